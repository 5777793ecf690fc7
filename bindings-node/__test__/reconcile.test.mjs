// The dry-run reconciliation through the Node binding, against the samples the CLI's tests use
// (billing-statements/tests/data): the same objects `billing reconcile --json` prints.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, test } from 'node:test'

import { billing } from './helpers.mjs'

const { reconcile, reconcileFile } = billing

const dataPath = (name) => fileURLToPath(new URL(`../../billing-statements/tests/data/${name}`, import.meta.url))
const text = (name) => readFileSync(dataPath(name), 'utf8')
const jsonLines = (name) =>
  text(name)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))

const INVOICES = jsonLines('invoices.jsonl')
const LINES = jsonLines('statement.jsonl')
const EXPECTED = jsonLines('expected.jsonl')

async function rejectsWith(promise, code) {
  assert.ok(promise instanceof Promise)
  let caught
  await assert.rejects(promise, (err) => {
    caught = err
    return true
  })
  assert.ok(caught instanceof Error, `not an Error: ${caught}`)
  assert.equal(caught.code, code, `wrong code: ${caught.code} ${caught.message}`)
  assert.ok(caught.message.length > 0)
  return caught
}

/** Each result as the CLI's `--json` line. */
const cliLines = (results) => results.map((r) => JSON.stringify(r))

describe('reconcile', () => {
  test('gives the CLI results (expected.jsonl), from arrays of objects', async () => {
    const results = await reconcile(INVOICES, LINES)
    assert.deepStrictEqual(results, EXPECTED)
    assert.equal(results.length, LINES.length)
    // Keys absent rather than null, as the CLI prints them.
    assert.deepEqual(Object.keys(results[2]).sort(), ['id', 'line', 'outcome', 'reason'])
  })

  test('takes JSON Lines or JSON array text too, with the same results', async () => {
    const fromLines = await reconcile(text('invoices.jsonl'), text('statement.jsonl'))
    const fromArrays = await reconcile(JSON.stringify(INVOICES), JSON.stringify(LINES))
    assert.deepStrictEqual(fromLines, EXPECTED)
    assert.deepStrictEqual(fromArrays, EXPECTED)
  })

  test('each result stringifies to the CLI line, key order included', async () => {
    const expected = text('expected.jsonl').split('\n').filter(Boolean)
    assert.deepEqual(cliLines(await reconcile(INVOICES, LINES)), expected)
  })

  test('bad input rejects whole with its code', async () => {
    const badLine = { ...LINES[0], amount: 'ninety' }
    const err = await rejectsWith(reconcile(INVOICES, [badLine]), 'statement.field')
    assert.match(err.message, /\[0\]/)
    await rejectsWith(reconcile(INVOICES, '{not json'), 'statement.syntax')
    await rejectsWith(reconcile([...INVOICES, INVOICES[0]], LINES), 'invoices.duplicate')
    await rejectsWith(reconcile([{ ...INVOICES[0], invoice_number: 'HOR-1' }], LINES), 'invoices.field')
    assert.deepEqual(await reconcile(INVOICES, []), [])
    assert.throws(() => reconcile(INVOICES, 42))
  })
})

describe('reconcileFile', () => {
  test('reads the statement and the invoices from paths: the CLI results', async () => {
    const results = await reconcileFile(dataPath('statement.jsonl'), { invoices: dataPath('invoices.jsonl') })
    assert.deepStrictEqual(results, EXPECTED)
    const jsonl = await reconcileFile(dataPath('statement.jsonl'), {
      format: 'jsonl',
      invoices: dataPath('invoices.jsonl'),
    })
    assert.deepStrictEqual(jsonl, EXPECTED)
  })

  test('takes Buffers and invoice objects too', async () => {
    const statement = readFileSync(dataPath('statement.jsonl'))
    assert.deepStrictEqual(
      await reconcileFile(statement, { invoices: readFileSync(dataPath('invoices.jsonl')) }),
      EXPECTED,
    )
    assert.deepStrictEqual(await reconcileFile(statement, { invoices: INVOICES }), EXPECTED)
  })

  test('every statement format, detected or named, as the CLI decides it', async () => {
    for (const [file, format] of [
      ['sample.camt053.xml', 'camt053'],
      ['sample.mt940', 'mt940'],
      ['sample_1c.txt', '1c'],
      ['privatbank.json', 'privatbank'],
      ['monobank.json', 'monobank'],
    ]) {
      const detected = await reconcileFile(dataPath(file), { invoices: INVOICES })
      const named = await reconcileFile(readFileSync(dataPath(file)), { format, invoices: dataPath('invoices.jsonl') })
      assert.deepStrictEqual(named, detected, file)
      assert.ok(detected.length > 0, file)
      assert.deepEqual(detected[0], { line: 1, id: detected[0].id, outcome: 'auto_credit', invoice: 'HOR-11111-007' }, file)
      detected.forEach((r, i) => assert.equal(r.line, i + 1, file))
    }
  })

  test('a bad file is refused whole, naming the line', async () => {
    const bad = Buffer.from(text('statement.jsonl').replace('"amount":"99.99"', '"amount":"ninety"'))
    const err = await rejectsWith(reconcileFile(bad, { invoices: INVOICES }), 'statement.field')
    assert.match(err.message, /line 5/)
  })

  test('unknown formats and unreadable files have their codes', async () => {
    await rejectsWith(
      reconcileFile(dataPath('statement.jsonl'), { format: 'csv', invoices: INVOICES }),
      'statement.format_unknown',
    )
    const missing = await rejectsWith(
      reconcileFile(dataPath('no-such-statement.jsonl'), { invoices: INVOICES }),
      'file.unreadable',
    )
    assert.match(missing.message, /no-such-statement/)
    await rejectsWith(
      reconcileFile(dataPath('statement.jsonl'), { invoices: dataPath('no-such-invoices.jsonl') }),
      'file.unreadable',
    )
    assert.throws(() => reconcileFile(dataPath('statement.jsonl'), { invoices: 42 }))
  })
})
