// The binding's surface beyond the vectors: predicates agree with parsers, batch forms, money
// arithmetic, the error shape, and a guard that every export has a test here.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { allInputs, assertCoreError, billing, parses, prng, vectors } from './helpers.mjs'

const {
  Edrpou,
  Email,
  Iban,
  InvoiceNumber,
  Phone,
  Rnokpp,
  ServiceCode,
  TaxId,
  addMoney,
  isValidEdrpou,
  isValidEdrpouBatch,
  isValidIban,
  isValidIbanBatch,
  isValidRnokpp,
  isValidRnokppBatch,
  moneyToDocumentString,
  moneyToKopiyky,
  parseMoney,
  subtractMoney,
} = billing

// Every export and the test below that covers it. A new export fails `every export is covered`
// until it is added here (and tested).
const COVERED = {
  __napiBindingTarget: 'the loader loaded the native addon',
  Edrpou: 'vectors: edrpou; predicates agree with parsers',
  Rnokpp: 'vectors: rnokpp; predicates agree with parsers',
  TaxId: 'vectors: tax_id; TaxId reports the specific error',
  Iban: 'vectors: iban; predicates agree with parsers',
  ServiceCode: 'vectors: service_code',
  InvoiceNumber: 'vectors: invoice_number; errors of nested parts keep their code',
  Email: 'vectors: email; Email.sameMailbox',
  Phone: 'vectors: phone',
  isValidEdrpou: 'predicates agree with parsers',
  isValidRnokpp: 'predicates agree with parsers',
  isValidIban: 'predicates agree with parsers',
  isValidEdrpouBatch: 'batch forms',
  isValidRnokppBatch: 'batch forms',
  isValidIbanBatch: 'batch forms',
  parseMoney: 'vectors: money',
  moneyToDocumentString: 'vectors: money',
  moneyToKopiyky: 'vectors: money; money arithmetic',
  addMoney: 'money arithmetic',
  subtractMoney: 'money arithmetic',
  Engine: 'engine.test.mjs: every method (the shared scenario, use cases, ports, event loop)',
  reconcile: 'reconcile.test.mjs: the CLI\'s results; arrays or JSON text; errors',
  reconcileFile: 'reconcile.test.mjs: every statement format; paths or Buffers; errors',
}

test('every export is covered', () => {
  assert.deepEqual(Object.keys(billing).sort(), Object.keys(COVERED).sort())
})

test('the loader loaded the native addon', () => {
  assert.equal(billing.__napiBindingTarget, 'native')
})

/** One-character edits of `s` (replace a character, drop one, duplicate one), from a seeded PRNG. */
function mutations(s, rng, count) {
  const alphabet = '0123456789AZaz -.'
  const out = []
  for (let i = 0; i < count && s.length > 0; i++) {
    const at = Math.floor(rng() * s.length)
    const c = alphabet[Math.floor(rng() * alphabet.length)]
    const op = i % 3
    if (op === 0) out.push(s.slice(0, at) + c + s.slice(at + 1))
    else if (op === 1) out.push(s.slice(0, at) + s.slice(at + 1))
    else out.push(s.slice(0, at) + s[at] + s.slice(at))
  }
  return out
}

/** Vector inputs of a kind plus seeded one-character edits of each: about half are invalid. */
function candidates(kind, seed) {
  const rng = prng(seed)
  const base = vectors[kind].map((v) => v.input)
  return [...new Set([...base, ...allInputs, ...base.flatMap((s) => mutations(s, rng, 60))])]
}

describe('predicates agree with parsers', () => {
  const cases = [
    ['isValidEdrpou', isValidEdrpou, Edrpou, candidates('edrpou', 1)],
    ['isValidRnokpp', isValidRnokpp, Rnokpp, candidates('rnokpp', 2)],
    ['isValidIban', isValidIban, Iban, candidates('iban', 3)],
  ]
  for (const [name, predicate, Class, inputs] of cases) {
    test(`${name} is true exactly when new ${Class.name}() parses`, () => {
      let valid = 0
      for (const input of inputs) {
        const ok = parses(() => new Class(input))
        assert.equal(predicate(input), ok, `${name}(${JSON.stringify(input)})`)
        if (ok) valid++
      }
      // The generated cases exercise both verdicts.
      assert.ok(valid > 0 && valid < inputs.length, `${valid} of ${inputs.length} valid`)
    })
  }
})

describe('batch forms', () => {
  const cases = [
    ['isValidEdrpouBatch', isValidEdrpouBatch, isValidEdrpou, candidates('edrpou', 4)],
    ['isValidRnokppBatch', isValidRnokppBatch, isValidRnokpp, candidates('rnokpp', 5)],
    ['isValidIbanBatch', isValidIbanBatch, isValidIban, candidates('iban', 6)],
  ]
  for (const [name, batch, single, inputs] of cases) {
    test(`${name} returns one boolean per value, in order, as the per-value form`, () => {
      const result = batch(inputs)
      assert.ok(Array.isArray(result))
      assert.deepEqual(result, inputs.map((s) => single(s)))
      assert.ok(result.includes(true) && result.includes(false))
    })
    test(`${name} of an empty array is empty`, () => {
      assert.deepEqual(batch([]), [])
    })
    test(`${name} rejects a non-string element with a TypeError-like Error`, () => {
      assert.throws(() => batch(['32855961', 42]), Error)
      assert.throws(() => single(undefined), Error)
    })
  }
})

describe('money arithmetic', () => {
  test('add and subtract exact two-place amounts', () => {
    assert.equal(addMoney('0.10', '0.20'), '0.30')
    assert.equal(addMoney('1 200,50', '0,5'), '1201.00')
    assert.equal(subtractMoney('2', '0.01'), '1.99')
    assert.equal(subtractMoney('1 200,50', '1200.5'), '0.00')
  })

  test('agree with integer arithmetic on kopiyky', () => {
    const rng = prng(7)
    const fmt = (k) => `${Math.floor(k / 100)}.${String(k % 100).padStart(2, '0')}`
    for (let i = 0; i < 500; i++) {
      const a = Math.floor(rng() * 50_000_000_000)
      const b = Math.floor(rng() * 50_000_000_000)
      assert.equal(addMoney(fmt(a), fmt(b)), fmt(a + b))
      assert.equal(moneyToKopiyky(addMoney(fmt(a), fmt(b))), a + b)
      const [big, small] = a >= b ? [a, b] : [b, a]
      assert.equal(subtractMoney(fmt(big), fmt(small)), fmt(big - small))
    }
  })

  test('overflow and negative results throw their codes', () => {
    const err = assertCoreError(() => addMoney('999 999 999.99', '0.01'), 'money.overflow')
    assert.equal(err.message, 'amount overflow: the result exceeds 999 999 999.99')
    assertCoreError(() => subtractMoney('1', '2'), 'money.negative')
    assertCoreError(() => subtractMoney('0', '0.01'), 'money.negative')
  })

  test('a bad operand throws its parse error, whichever side it is on', () => {
    assertCoreError(() => addMoney('1.005', '1'), 'money.too_many_decimals')
    assertCoreError(() => addMoney('1', '-1'), 'money.sign')
    assertCoreError(() => subtractMoney('', '1'), 'money.empty')
    assertCoreError(() => subtractMoney('1', '1e3'), 'money.exponent')
  })

  test('kopiyky of the maximum is a safe integer', () => {
    const max = moneyToKopiyky('999 999 999.99')
    assert.equal(max, 99_999_999_999)
    assert.ok(Number.isSafeInteger(max))
  })
})

describe('errors', () => {
  test('are plain Errors with the dotted code and the core message, unchanged', () => {
    // The message text as the core's own documentation states it.
    const err = assertCoreError(() => new Edrpou('32855968'), 'edrpou.checksum')
    assert.equal(err.message, 'ЄДРПОУ check digit does not match: "32855968"')
    assert.equal(Object.getPrototypeOf(err), Error.prototype)
    assert.ok(err.stack.includes('edrpou.checksum') || err.stack.includes('ЄДРПОУ'))
  })

  test('carry the offending input in the message', () => {
    for (const [fn, input] of [
      [(s) => new Iban(s), 'UA21 32231300 0002 6007 2335 6600 1'],
      [(s) => new Rnokpp(s), '1759013770'],
      [(s) => new Phone(s), '050-ABC'],
      [(s) => parseMoney(s), '1 2000'],
    ]) {
      assert.throws(() => fn(input), (e) => e.message.includes(JSON.stringify(input)))
    }
  })

  test('TaxId reports the specific error of the code it looks like', () => {
    assertCoreError(() => new TaxId('32855968'), 'edrpou.checksum')
    assertCoreError(() => new TaxId('1759013770'), 'rnokpp.checksum')
    assertCoreError(() => new TaxId('123456789'), 'tax_id.length')
  })

  test('errors of nested parts keep their code', () => {
    assertCoreError(() => new InvoiceNumber('HOR-1111-007'), 'service_code.length')
    assertCoreError(() => new InvoiceNumber('hor-11111-007'), 'invoice_number.prefix')
  })
})

describe('value classes', () => {
  test('Email.sameMailbox compares without regard to case', () => {
    const a = new Email(' Owner@Shop.COM.ua ')
    assert.equal(a.toString(), 'Owner@shop.com.ua')
    assert.equal(a.sameMailbox(new Email('owner@SHOP.com.ua')), true)
    assert.equal(a.sameMailbox(new Email('other@shop.com.ua')), false)
  })

  test('instances are of their class and print their canonical text', () => {
    const iban = new Iban('ua21 3223 1300 0002 6007 2335 6600 1')
    assert.ok(iban instanceof Iban)
    assert.equal(`${iban}`, 'UA213223130000026007233566001')
    assert.equal(
      JSON.stringify({ iban, code: new ServiceCode('00042') }),
      '{"iban":"UA213223130000026007233566001","code":"00042"}',
    )
    assert.equal(new ServiceCode('00042').value, 42)
  })
})
