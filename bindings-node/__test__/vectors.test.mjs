// Every vector of billing-core/tests/data/vectors.json, through the Node binding.
// Valid inputs parse and their fields match; invalid ones throw an Error with the vector's code.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { assertCoreError, billing, vectors } from './helpers.mjs'

const {
  Edrpou,
  Email,
  Iban,
  InvoiceNumber,
  Phone,
  Rnokpp,
  ServiceCode,
  TaxId,
  isValidEdrpou,
  isValidIban,
  isValidRnokpp,
  moneyToDocumentString,
  moneyToKopiyky,
  parseMoney,
} = billing

const KINDS = [
  'edrpou',
  'rnokpp',
  'iban',
  'money',
  'service_code',
  'invoice_number',
  'tax_id',
  'email',
  'phone',
]

test('the vectors file has exactly the kinds this suite checks', () => {
  const kinds = Object.keys(vectors).filter((k) => Array.isArray(vectors[k]))
  assert.deepEqual(kinds.sort(), [...KINDS].sort())
  for (const kind of KINDS) {
    assert.ok(vectors[kind].some((v) => v.valid), `${kind} has a valid vector`)
    assert.ok(vectors[kind].some((v) => !v.valid), `${kind} has an invalid vector`)
  }
})

/** Runs `valid` or `invalid` for each vector of a kind, one subtest per vector. */
function eachVector(kind, { valid, invalid }) {
  describe(kind, () => {
    for (const v of vectors[kind]) {
      const name = `${v.valid ? 'valid' : v.code} ${JSON.stringify(v.input)}`
      test(name, () => (v.valid ? valid(v) : invalid(v)))
    }
  })
}

eachVector('edrpou', {
  valid(v) {
    const code = new Edrpou(v.input)
    assert.ok(code instanceof Edrpou)
    assert.equal(code.toString(), v.input)
    assert.equal(JSON.stringify(code), JSON.stringify(v.input))
    assert.equal(isValidEdrpou(v.input), true)
  },
  invalid(v) {
    assertCoreError(() => new Edrpou(v.input), v.code, v.input)
    assert.equal(isValidEdrpou(v.input), false)
  },
})

eachVector('rnokpp', {
  valid(v) {
    const id = new Rnokpp(v.input)
    assert.equal(id.toString(), v.input)
    assert.equal(JSON.stringify(id), JSON.stringify(v.input))
    assert.match(id.birthDate, /^\d{4}-\d{2}-\d{2}$/)
    assert.ok(['male', 'female'].includes(id.sex))
    if (v.birth_date !== undefined) assert.equal(id.birthDate, v.birth_date)
    if (v.sex !== undefined) assert.equal(id.sex, v.sex)
    assert.equal(isValidRnokpp(v.input), true)
  },
  invalid(v) {
    assertCoreError(() => new Rnokpp(v.input), v.code, v.input)
    assert.equal(isValidRnokpp(v.input), false)
  },
})

eachVector('iban', {
  valid(v) {
    const iban = new Iban(v.input)
    assert.equal(iban.electronic, v.electronic)
    assert.equal(iban.toString(), v.electronic)
    assert.equal(JSON.stringify(iban), JSON.stringify(v.electronic))
    assert.equal(iban.isUkrainian, v.ukrainian)
    assert.equal(iban.countryCode, v.electronic.slice(0, 2))
    assert.equal(iban.mfo, v.mfo)
    assert.equal(iban.bankName, v.bank)
    // The print form is the electronic form in groups of four, and parses back to the same IBAN.
    assert.equal(iban.printForm.replaceAll(' ', ''), v.electronic)
    assert.match(iban.printForm, /^(\S{4} )*\S{1,4}$/)
    assert.equal(new Iban(iban.printForm).electronic, v.electronic)
    assert.equal(isValidIban(v.input), true)
  },
  invalid(v) {
    assertCoreError(() => new Iban(v.input), v.code, v.input)
    assert.equal(isValidIban(v.input), false)
  },
})

eachVector('money', {
  valid(v) {
    assert.equal(parseMoney(v.input), v.canonical)
    assert.equal(moneyToDocumentString(v.input), v.document)
    assert.equal(moneyToDocumentString(v.canonical), v.document)
    assert.equal(moneyToKopiyky(v.input), Number(v.canonical.replace('.', '')))
    // The canonical form is a fixed point of parsing.
    assert.equal(parseMoney(v.canonical), v.canonical)
  },
  invalid(v) {
    assertCoreError(() => parseMoney(v.input), v.code, v.input)
    assertCoreError(() => moneyToDocumentString(v.input), v.code, v.input)
    assertCoreError(() => moneyToKopiyky(v.input), v.code, v.input)
  },
})

eachVector('service_code', {
  valid(v) {
    const code = new ServiceCode(v.input)
    assert.equal(code.toString(), v.canonical)
    assert.equal(JSON.stringify(code), JSON.stringify(v.canonical))
    assert.equal(code.value, Number.parseInt(v.canonical, 10))
  },
  invalid(v) {
    assertCoreError(() => new ServiceCode(v.input), v.code, v.input)
  },
})

eachVector('invoice_number', {
  valid(v) {
    const n = new InvoiceNumber(v.input)
    assert.equal(n.prefix, v.prefix)
    assert.equal(n.serviceCode, v.service_code)
    assert.equal(n.sequence, v.sequence)
    // Only the canonical form parses, so it prints back as it was written.
    assert.equal(n.toString(), v.input)
    assert.equal(JSON.stringify(n), JSON.stringify(v.input))
  },
  invalid(v) {
    assertCoreError(() => new InvoiceNumber(v.input), v.code, v.input)
  },
})

eachVector('tax_id', {
  valid(v) {
    const id = new TaxId(v.input)
    assert.equal(id.kind, v.kind)
    assert.equal(id.toString(), v.input)
    assert.equal(JSON.stringify(id), JSON.stringify(v.input))
    // The kind agrees with the specific parsers.
    assert.equal(isValidEdrpou(v.input), v.kind === 'company')
    assert.equal(isValidRnokpp(v.input), v.kind === 'sole_proprietor')
  },
  invalid(v) {
    assertCoreError(() => new TaxId(v.input), v.code, v.input)
  },
})

eachVector('email', {
  valid(v) {
    const email = new Email(v.input)
    assert.equal(email.toString(), v.canonical)
    assert.equal(JSON.stringify(email), JSON.stringify(v.canonical))
    assert.equal(email.sameMailbox(new Email(v.canonical)), true)
  },
  invalid(v) {
    assertCoreError(() => new Email(v.input), v.code, v.input)
  },
})

eachVector('phone', {
  valid(v) {
    const phone = new Phone(v.input)
    assert.equal(phone.toString(), v.canonical)
    assert.equal(JSON.stringify(phone), JSON.stringify(v.canonical))
    assert.match(phone.toString(), /^\+[1-9]\d{7,14}$/)
    // E.164 is a fixed point.
    assert.equal(new Phone(v.canonical).toString(), v.canonical)
  },
  invalid(v) {
    assertCoreError(() => new Phone(v.input), v.code, v.input)
  },
})
