// The engine through the Node binding: the shared scenario against the committed fixture, every
// Engine method, the JavaScript clock and registry ports, the error codes, and the event loop.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { billing } from './helpers.mjs'

const { Engine } = billing

const dir = mkdtempSync(join(tmpdir(), 'billing-core-node-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
/** A fresh SQLite file for each engine. */
const dbFile = () => join(dir, `billing-${++files}.db`)

const OWNER = { fullName: 'Олена Коваль', email: 'olena@shop.ua', phone: '050 123 45 67' }
/** 2026-03-16 10:00 in Kyiv. */
const MARCH_16 = new Date('2026-03-16T08:00:00Z')

/** A clock the test moves by hand: `clock.fn` goes to `Engine.open`, `clock.now` is the time. */
function manualClock(start = MARCH_16) {
  const clock = {
    now: new Date(start),
    calls: 0,
    fn: () => {
      clock.calls += 1
      return clock.now
    },
  }
  return clock
}

/** Asserts that `promise` rejects with a plain `Error` whose `.code` is `code`; returns it. */
async function rejectsWith(promise, code) {
  assert.ok(promise instanceof Promise, 'an engine method returns a Promise')
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

/** An engine on a new SQLite file with project 11111 opened on `start`, monthly. */
async function openedProject(options = {}) {
  const clock = manualClock()
  const engine = await Engine.open(dbFile(), { clock: clock.fn, ...options })
  await engine.openProject('11111', OWNER, 'start', 'monthly')
  return { engine, clock }
}

/**
 * The JavaScript form of the core's JSON: keys in camelCase, instants (RFC 3339 strings) as
 * `Date`s; money and dates stay strings.
 */
function jsForm(value) {
  if (Array.isArray(value)) return value.map(jsForm)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), jsForm(v)]),
    )
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) {
    return new Date(value)
  }
  return value
}

// Every Engine method and the tests that cover it: a new method fails this until it is tested.
const METHODS = {
  open: 'Engine.open',
  openProject: 'use cases: openProject',
  recordUsage: 'use cases: recordUsage',
  billingSection: 'the shared scenario; the clock port',
  creditBankTransfer: 'use cases: creditBankTransfer, partial payment, overpayment',
  paymentLink: 'use cases: paymentLink',
  bindCard: 'use cases: bindCard, then the acquirer webhook',
  acquirerWebhook: 'use cases: bindCard, then the acquirer webhook',
  applyPaymentEvent: 'use cases: applyPaymentEvent',
  runDaily: 'use cases: runDaily',
  nextNotifications: 'use cases: nextNotifications and acknowledge',
  acknowledge: 'use cases: nextNotifications and acknowledge',
  auditTrail: 'use cases: auditTrail',
  projects: 'use cases: projects',
  admin: 'use cases: admin',
  account: 'use cases: account',
  lookupRequisites: 'the registry lookup port',
  requisitesPrefill: 'paperwork.test.mjs: the help page scenario; a missing lookup',
  saveRequisites: 'paperwork.test.mjs: the help page scenario; a bad form',
  saveAndActivateVchasno: 'paperwork.test.mjs: the help page scenario; register in Vchasno first',
  activateVchasno: 'paperwork.test.mjs: the help page scenario',
  deactivateVchasno: 'paperwork.test.mjs: the help page scenario',
  requestAct: 'paperwork.test.mjs: the help page scenario; document and upload errors',
  actPdf: 'paperwork.test.mjs: the help page scenario',
  pollActStatuses: 'paperwork.test.mjs: the help page scenario',
  requisites: 'paperwork.test.mjs: the help page scenario',
  invoicePdf: 'paperwork.test.mjs: the invoice PDF',
}

test('every Engine method is covered here', () => {
  const methods = [
    ...Object.getOwnPropertyNames(Engine).filter((n) => typeof Engine[n] === 'function'),
    ...Object.getOwnPropertyNames(Engine.prototype).filter((n) => n !== 'constructor'),
  ]
  assert.deepEqual(methods.sort(), Object.keys(METHODS).sort())
})

describe('the shared scenario', () => {
  test('produces the committed billing section (billing-core/tests/data/billing_section.json)', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../billing-core/tests/data/billing_section.json', import.meta.url), 'utf8'),
    )
    // The same steps as billing-engine/tests/section_fixture.rs and the Python suite.
    const engine = await Engine.open(dbFile(), { clock: () => new Date('2026-03-16T08:00:00Z') })
    await engine.openProject('11111', OWNER, 'start', 'monthly')
    await engine.recordUsage('11111', 120, 45)
    await engine.creditBankTransfer('11111', 'PB-2026-0001', '309.68', 'HOR-11111-001')
    const section = await engine.billingSection('11111')

    assert.deepStrictEqual(section, jsForm(fixture))
    // The shapes the types promise, spelled out.
    assert.ok(section.asOf instanceof Date)
    assert.equal(section.asOf.toISOString(), '2026-03-16T08:00:00.000Z')
    assert.ok(section.tariff.countersTakenAt instanceof Date)
    assert.equal(section.invoices[0].total, '309.68')
    assert.equal(section.invoices[0].issuedOn, '2026-03-16')
    assert.equal(section.totalOwed, '0.00')
    assert.equal(section.contracts.offerAcceptedAt, null)
    assert.deepEqual(section.tariff.products, { used: 120, limit: 500, remaining: 380, state: 'within' })
    assert.equal(Object.getPrototypeOf(section), Object.prototype, 'a plain object')
  })
})

describe('Engine.open', () => {
  test('opens a SQLite file, and opens it again with the data kept', async () => {
    const file = dbFile()
    const clock = manualClock()
    const first = await Engine.open(file, { clock: clock.fn })
    assert.ok(first instanceof Engine)
    await first.openProject('11111', OWNER, 'start', 'monthly')
    const again = await Engine.open(file, { clock: clock.fn })
    assert.deepEqual(await again.projects(), ['11111'])
    assert.equal((await again.billingSection('11111')).totalOwed, '309.68')
  })

  test('without a clock runs on the system clock', async () => {
    const engine = await Engine.open(dbFile())
    await engine.openProject('11111', OWNER, 'start', 'monthly')
    const before = Date.now()
    const section = await engine.billingSection('11111')
    assert.ok(Math.abs(section.asOf.getTime() - before) < 60_000, `${section.asOf}`)
  })

  test('takes a configuration object or JSON text; the keys given replace the defaults', async () => {
    const catalog = [
      {
        code: 'basic',
        name: 'Базовий',
        limits: { max_products: 1000, max_orders_per_month: null },
        prices: { monthly: '600', yearly: '6000' },
        features: [],
      },
    ]
    for (const config of [{ catalog }, JSON.stringify({ catalog, bank_job_every_minutes: 30 })]) {
      const engine = await Engine.open(dbFile(), { clock: manualClock().fn, config })
      await engine.openProject('11111', OWNER, 'basic', 'yearly')
      const section = await engine.billingSection('11111')
      assert.equal(section.tariff.code, 'basic')
      assert.equal(section.tariff.periodMonths, 12)
      assert.deepEqual(section.additionalFeatures, [])
      await rejectsWith(engine.openProject('22222', OWNER, 'start', 'monthly'), 'engine.config')
    }
  })

  test('refuses a bad configuration with engine.config', async () => {
    for (const config of [
      { catalogue: [] },
      '{not json',
      '[1, 2]',
      { bank_job_every_minutes: 'often' },
      { store: '/elsewhere.db' },
    ]) {
      await rejectsWith(Engine.open(dbFile(), { config }), 'engine.config')
    }
  })

  test('refuses a clock that fails its first reading with clock.failed', async () => {
    const e1 = await rejectsWith(Engine.open(dbFile(), { clock: () => '2026-03-16' }), 'clock.failed')
    assert.match(e1.message, /JavaScript clock/)
    await rejectsWith(Engine.open(dbFile(), { clock: () => new Date('not a date') }), 'clock.failed')
    const e2 = await rejectsWith(
      Engine.open(dbFile(), {
        clock: () => {
          throw new Error('no time today')
        },
      }),
      'clock.failed',
    )
    assert.match(e2.message, /no time today/)
  })

  test('a store that cannot be opened rejects with its store code', async () => {
    const err = await rejectsWith(Engine.open(join(dir, 'missing', 'dir', 'billing.db')), 'store.unavailable')
    assert.match(err.message, /store/)
  })

  test('arguments of the wrong type throw synchronously', () => {
    assert.throws(() => Engine.open(42), Error)
    assert.throws(() => Engine.open(dbFile(), { clock: 'now' }), Error)
    assert.throws(() => new Engine(), Error)
  })
})

describe('use cases', () => {
  test('openProject resolves to the events in the core JSON form, and issues the first invoice', async () => {
    const engine = await Engine.open(dbFile(), { clock: manualClock().fn })
    const events = await engine.openProject('11111', OWNER, 'start', 'monthly')
    assert.deepEqual(
      events.map((e) => `${e.aggregate}:${e.event.type}`),
      ['admin:registered', 'account:subscribed', 'account:invoice_issued'],
    )
    const issued = events[2].event.invoice
    assert.equal(issued.number, 'HOR-11111-001')
    assert.equal(issued.total, '309.68')
    await rejectsWith(engine.openProject('11111', OWNER, 'start', 'monthly'), 'project.already_registered')
  })

  test('openProject parses its input with the core', async () => {
    const engine = await Engine.open(dbFile(), { clock: manualClock().fn })
    await rejectsWith(engine.openProject('1111', OWNER, 'start', 'monthly'), 'service_code.length')
    await rejectsWith(engine.openProject('11111', { ...OWNER, email: 'olena' }, 'start', 'monthly'), 'email.format')
    await rejectsWith(engine.openProject('11111', { ...OWNER, phone: '050-ABC' }, 'start', 'monthly'), 'phone.format')
    await rejectsWith(engine.openProject('11111', OWNER, 'start', 'weekly'), 'input.invalid')
    await rejectsWith(engine.openProject('11111', OWNER, 'gold', 'monthly'), 'engine.config')
    assert.deepEqual(await engine.projects(), [])
  })

  test('recordUsage records the counters the section shows', async () => {
    const { engine } = await openedProject()
    const result = await engine.recordUsage('11111', 480, 290)
    assert.equal(result.alreadyApplied, false)
    assert.equal(result.changes.length, 1)
    assert.ok(result.changes[0].at instanceof Date)
    assert.deepEqual(result.changes[0].actor, { kind: 'system', id: null })
    const { tariff } = await engine.billingSection('11111')
    assert.deepEqual(tariff.products, { used: 480, limit: 500, remaining: 20, state: 'near' })
    assert.deepEqual(tariff.ordersThisMonth, { used: 290, limit: 300, remaining: 10, state: 'near' })
  })

  test('creditBankTransfer takes effect once per bank transaction id', async () => {
    const { engine } = await openedProject()
    const first = await engine.creditBankTransfer('11111', 'PB-1', '309.68', 'HOR-11111-001')
    assert.equal(first.alreadyApplied, false)
    assert.ok(first.changes.length > 0)
    const again = await engine.creditBankTransfer('11111', 'PB-1', '309.68', 'HOR-11111-001')
    assert.deepEqual(again, { alreadyApplied: true, changes: [] })
    const section = await engine.billingSection('11111')
    assert.equal(section.totalOwed, '0.00')
    assert.equal(section.openCredit, '0.00')
    assert.equal(section.access, 'active')
  })

  test('a partial payment is for support to record, from the payer receipt', async () => {
    const { engine } = await openedProject()
    const refused = await rejectsWith(
      engine.creditBankTransfer('11111', 'PB-2', '100', 'HOR-11111-001'),
      'payment.partial_support_only',
    )
    assert.match(refused.message, /100\.00/)
    const support = { kind: 'support', id: 'ann' }
    const part = await engine.creditBankTransfer('11111', 'PB-2', '100', 'HOR-11111-001', support)
    assert.deepEqual(part.changes[0].actor, support)
    assert.equal((await engine.billingSection('11111')).totalOwed, '209.68')
  })

  test('an overpayment is kept as credit', async () => {
    const { engine } = await openedProject()
    const done = await engine.creditBankTransfer('11111', 'PB-2', '1 309,68', 'HOR-11111-001')
    assert.deepEqual(done.changes[0].actor, { kind: 'system', id: null })
    const section = await engine.billingSection('11111')
    assert.equal(section.invoices[0].status, 'paid')
    assert.equal(section.openCredit, '1000.00')
  })

  test('creditBankTransfer refuses bad input with the core codes', async () => {
    const { engine } = await openedProject()
    await rejectsWith(engine.creditBankTransfer('11111', 'PB-3', '1.005'), 'money.too_many_decimals')
    await rejectsWith(engine.creditBankTransfer('11111', 'PB-3', '-1'), 'money.sign')
    await rejectsWith(engine.creditBankTransfer('11111', 'PB-3', '1', 'HOR11111001'), 'invoice_number.format')
    await rejectsWith(engine.creditBankTransfer('11111', 'PB-3', '1', null, 'robot'), 'input.invalid')
  })

  test('paymentLink gives the valid page again, and the section shows it', async () => {
    const { engine, clock } = await openedProject()
    const page = await engine.paymentLink('11111', 'HOR-11111-001')
    assert.match(page.url, /^https:\/\//)
    assert.ok(page.expiresAt instanceof Date)
    assert.ok(page.expiresAt > clock.now)
    assert.deepEqual(await engine.paymentLink('11111', 'HOR-11111-001'), page)
    const { invoices } = await engine.billingSection('11111')
    assert.equal(invoices[0].link.url, page.url)
    assert.deepEqual(invoices[0].link.expiresAt, page.expiresAt)
    await rejectsWith(engine.paymentLink('11111', 'HOR-11111-009'), 'invoice.unknown')
  })

  test('bindCard, then the acquirer webhook saves the card and pays the invoice, once', async () => {
    const { engine, clock } = await openedProject()
    const page = await engine.bindCard('11111')
    assert.ok(page.expiresAt instanceof Date)
    const attempt = page.url.split('/').at(-1)
    const body = JSON.stringify({
      provider_ref: 'mem-pay-1',
      attempt,
      status: { status: 'succeeded' },
      amount: '309.68',
      occurred_at: clock.now.toISOString(),
      saved_card: { token: `tok-${attempt}`, masked_pan: '4441 11** **** 1234', holder: 'OLENA KOVAL' },
    })
    const headers = { 'x-memory-signature': 'trusted' }
    const done = await engine.acquirerWebhook(headers, Buffer.from(body))
    assert.equal(done.alreadyApplied, false)
    assert.ok(done.changes.length > 0)
    assert.deepEqual(await engine.acquirerWebhook(headers, body), { alreadyApplied: true, changes: [] })
    await rejectsWith(engine.acquirerWebhook({}, body), 'acquirer.bad_signature')
    const section = await engine.billingSection('11111')
    assert.equal(section.paymentMethod.autopay, true)
    assert.equal(section.paymentMethod.cardMaskedPan, '4441 11** **** 1234')
    assert.equal(section.invoices[0].status, 'paid')
  })

  test('applyPaymentEvent applies a card payment through a link, once', async () => {
    const { engine, clock } = await openedProject()
    const page = await engine.paymentLink('11111', 'HOR-11111-001')
    const event = {
      provider_ref: 'mem-pay-2',
      attempt: page.url.split('/').at(-1),
      status: { status: 'succeeded' },
      amount: '309.68',
      occurred_at: clock.now.toISOString(),
      saved_card: null,
    }
    assert.equal((await engine.applyPaymentEvent(event)).alreadyApplied, false)
    assert.equal((await engine.applyPaymentEvent(event)).alreadyApplied, true)
    assert.equal((await engine.billingSection('11111')).invoices[0].status, 'paid')
    await rejectsWith(engine.applyPaymentEvent({ provider_ref: 'x' }), 'input.invalid')
  })

  test('runDaily issues the next invoice on the 1st, blocks when unpaid, and reports it', async () => {
    const { engine, clock } = await openedProject()
    await engine.creditBankTransfer('11111', 'PB-4', '309.68', 'HOR-11111-001')
    clock.now = new Date('2026-04-01T04:00:00Z') // 07:00 in Kyiv
    const april = await engine.runDaily()
    assert.equal(april.projects, 1)
    assert.equal(april.invoicesIssued, 1)
    assert.deepEqual(april.failures, [])
    for (const k of ['chargesSucceeded', 'chargesFailed', 'charges3ds', 'chargesPending', 'blocked', 'unblocked']) {
      assert.equal(april[k], 0, k)
    }
    const section = await engine.billingSection('11111')
    assert.equal(section.invoices[0].number, 'HOR-11111-002')
    assert.equal(section.invoices[0].total, '600.00')
    clock.now = new Date('2026-05-01T04:00:00Z')
    const may = await engine.runDaily()
    assert.equal(may.blocked, 1)
    assert.equal((await engine.billingSection('11111')).access, 'blocked')
  })

  test('nextNotifications and acknowledge drain the outbox', async () => {
    const { engine } = await openedProject()
    await engine.creditBankTransfer('11111', 'PB-5', '309.68', 'HOR-11111-001')
    const pending = await engine.nextNotifications(10)
    assert.deepEqual(
      pending.map((n) => n.notification.kind),
      ['invoice_issued', 'payment_received'],
    )
    for (const n of pending) {
      assert.equal(typeof n.id, 'number')
      assert.equal(n.project, '11111')
      assert.ok(n.at instanceof Date)
    }
    assert.equal(pending[0].notification.amount, '309.68')
    assert.equal((await engine.nextNotifications(1)).length, 1)
    assert.equal(await engine.acknowledge([pending[0].id]), undefined)
    assert.deepEqual((await engine.nextNotifications(10)).map((n) => n.id), [pending[1].id])
    await engine.acknowledge(pending.map((n) => n.id))
    assert.deepEqual(await engine.nextNotifications(10), [])
  })

  test('auditTrail lists every event with version, time and actor', async () => {
    const { engine, clock } = await openedProject()
    await engine.recordUsage('11111', 1, 1)
    const trail = await engine.auditTrail('11111')
    assert.deepEqual(trail.map((r) => r.version), [1, 2, 3, 4])
    assert.deepEqual(
      trail.map((r) => r.event.event.type),
      ['registered', 'subscribed', 'invoice_issued', 'usage_recorded'],
    )
    for (const r of trail) {
      assert.deepEqual(r.at, clock.now)
      assert.deepEqual(r.actor, { kind: 'system', id: null })
    }
    await rejectsWith(engine.auditTrail('1234'), 'service_code.length')
  })

  test('projects lists the stored projects', async () => {
    const engine = await Engine.open(dbFile(), { clock: manualClock().fn })
    assert.deepEqual(await engine.projects(), [])
    await engine.openProject('22222', OWNER, 'pro', 'yearly')
    await engine.openProject('00042', OWNER, 'start', 'monthly')
    assert.deepEqual((await engine.projects()).sort(), ['00042', '22222'])
  })

  test('admin runs an administration command in the core JSON form', async () => {
    const { engine } = await openedProject()
    const domain = { unicode: 'магазин.укр', ascii: 'xn--80aairftm.xn--j1amh' }
    const done = await engine.admin('11111', 'owner', { command: 'add_domain', domain })
    assert.deepEqual(done.changes[0].actor, { kind: 'owner', id: null })
    const { domains } = await engine.billingSection('11111')
    assert.deepEqual(domains, [{ unicode: 'магазин.укр', ascii: 'xn--80aairftm.xn--j1amh', primary: true }])
    await rejectsWith(engine.admin('11111', 'owner', { command: 'fly' }), 'input.invalid')
    const bad = { command: 'add_domain', domain: { unicode: '-', ascii: '-' } }
    await rejectsWith(engine.admin('11111', 'owner', bad), 'input.invalid')
    await rejectsWith(engine.admin('11111', 'owner', { command: 'add_domain', domain }), 'domain.duplicate')
  })

  test('account runs a billing command in the core JSON form; the core checks the actor', async () => {
    const { engine } = await openedProject()
    const stop = { type: 'stop_autopay', reason: 'chargebacks' }
    await rejectsWith(engine.account('11111', 'owner', stop), 'autopay.support_only')
    await engine.account('11111', { kind: 'support', id: 'ann' }, stop)
    assert.equal((await engine.billingSection('11111')).paymentMethod.bankTransferOnly, true)
    await rejectsWith(engine.account('11111', 'system', { type: 'stop_autopay' }), 'input.invalid')
  })
})

describe('the registry lookup port', () => {
  const found = {
    kind: 'found',
    taxId: '32855961',
    name: 'ТОВ «Магазин»',
    address: 'Київ, вул. Хрещатик, 1',
    director: 'Коваль Олена Петрівна',
    vat: { kind: 'payer', number: '328559626592', since: '2020-01-01' },
    singleTaxGroup: null,
    warnings: [],
  }

  test('without a registry function, every lookup is not_found', async () => {
    const engine = await Engine.open(dbFile())
    assert.deepEqual(await engine.lookupRequisites('32855961'), { kind: 'not_found' })
  })

  test('a JavaScript function answers, synchronously or with a Promise', async () => {
    const asked = []
    const registry = async (taxId) => {
      asked.push(taxId)
      await sleep(5)
      if (taxId === '32855961') return found
      if (taxId === '3652504575') return { kind: 'pending', retryAfterSecs: 30 }
      return { kind: 'not_found' }
    }
    const engine = await Engine.open(dbFile(), { registry })
    const answer = await engine.lookupRequisites('32855961')
    // A record the function gave without them reads back with no VAT gap and no details.
    assert.deepEqual(answer, { ...found, vatUnknown: null, details: { terminated: false, bankrupt: false } })
    assert.deepEqual(await engine.lookupRequisites('3652504575'), { kind: 'pending', retryAfterSecs: 30 })
    assert.deepEqual(await engine.lookupRequisites('00032129'), { kind: 'not_found' })
    assert.deepEqual(asked, ['32855961', '3652504575', '00032129'])

    const sync = await Engine.open(dbFile(), { registry: () => ({ kind: 'found', taxId: '32855961', name: 'ФОП' }) })
    assert.deepEqual(await sync.lookupRequisites('32855961'), {
      kind: 'found',
      taxId: '32855961',
      name: 'ФОП',
      address: null,
      director: null,
      vat: null,
      singleTaxGroup: null,
      warnings: [],
      vatUnknown: null,
      details: { terminated: false, bankrupt: false },
    })
  })

  test('the code is parsed by the core before the registry is asked', async () => {
    let calls = 0
    const engine = await Engine.open(dbFile(), { registry: () => (calls++, { kind: 'not_found' }) })
    await rejectsWith(engine.lookupRequisites('32855968'), 'edrpou.checksum')
    await rejectsWith(engine.lookupRequisites('123'), 'tax_id.length')
    assert.equal(calls, 0)
  })

  test('a registry that throws, rejects or answers nonsense fails with registry.failed', async () => {
    const cases = [
      () => {
        throw new Error('registry down')
      },
      async () => {
        throw new Error('registry down')
      },
      () => ({ kind: 'maybe' }),
      async () => ({ kind: 'found', taxId: '32855968', name: 'x' }),
      () => ({ kind: 'found', taxId: '32855961', name: 'x', vat: { kind: 'payer', number: '1', since: '2020-13-01' } }),
      () => ({ kind: 'found', taxId: '32855961', name: 'x', singleTaxGroup: 300 }),
      () => 'found',
    ]
    for (const registry of cases) {
      const engine = await Engine.open(dbFile(), { registry })
      const err = await rejectsWith(engine.lookupRequisites('32855961'), 'registry.failed')
      assert.match(err.message, /JavaScript registry/)
    }
  })
})

describe('the clock port', () => {
  test('the engine asks the JavaScript clock, and moves when it moves', async () => {
    const { engine, clock } = await openedProject()
    const calls = clock.calls
    assert.ok(calls > 0)
    const section = await engine.billingSection('11111')
    assert.deepEqual(section.asOf, clock.now)
    assert.ok(clock.calls > calls)
    clock.now = new Date('2026-03-24T10:00:00Z')
    const later = await engine.billingSection('11111')
    assert.deepEqual(later.asOf, clock.now)
    assert.equal(later.invoices[0].overdue, true)
  })

  test('a clock that fails during a call fails that call with clock.failed, and only that call', async () => {
    let broken = false
    const clock = () => {
      if (broken) throw new Error('clock broke')
      return MARCH_16
    }
    const engine = await Engine.open(dbFile(), { clock })
    await engine.openProject('11111', OWNER, 'start', 'monthly')
    broken = true
    const err = await rejectsWith(engine.billingSection('11111'), 'clock.failed')
    assert.match(err.message, /clock broke/)
    broken = false
    assert.deepEqual((await engine.billingSection('11111')).asOf, MARCH_16)
  })
})

describe('the event loop', () => {
  test('every engine method returns a Promise at once', async () => {
    const { engine } = await openedProject()
    const pending = [engine.billingSection('11111'), engine.projects(), engine.nextNotifications(5)]
    for (const p of pending) assert.ok(p instanceof Promise)
    await Promise.all(pending)
  })

  test('stays free while the engine works: other calls finish while a slow port answers', async () => {
    let release
    const gate = new Promise((resolve) => (release = resolve))
    const registry = async () => {
      await gate
      return { kind: 'not_found' }
    }
    const { engine } = await openedProject({ registry })
    const order = []
    const slow = engine.lookupRequisites('32855961').then(() => order.push('lookup'))
    const sections = await Promise.all(Array.from({ length: 20 }, () => engine.billingSection('11111')))
    order.push('sections')
    assert.equal(sections.length, 20)
    // A timer fires too: the event loop is not blocked.
    await sleep(1)
    release()
    await slow
    assert.deepEqual(order, ['sections', 'lookup'])
  })

  test('concurrent commands on one project all take effect (optimistic concurrency)', async () => {
    const { engine } = await openedProject()
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        engine.creditBankTransfer('11111', `PB-C-${i}`, '10', 'HOR-11111-001', { kind: 'support', id: 'ann' }),
      ),
    )
    assert.ok(results.every((r) => !r.alreadyApplied && r.changes.length > 0))
    assert.equal((await engine.billingSection('11111')).totalOwed, '189.68')
    const trail = await engine.auditTrail('11111')
    assert.deepEqual(trail.map((r) => r.version), trail.map((_, i) => i + 1))
  })
})
