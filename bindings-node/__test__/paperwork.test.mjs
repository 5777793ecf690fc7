// The document side through the Node binding: requisites prefilled from a JavaScript registry and
// the project's records, Vchasno activation through a JavaScript Vchasno port, the October act
// drawn up, uploaded once and followed to "signed by both", its PDF, and the error codes (the
// same scenario as billing-engine/tests/paperwork.rs).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'

import { billing } from './helpers.mjs'

const { Engine } = billing

const dir = mkdtempSync(join(tmpdir(), 'billing-core-node-paperwork-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const dbFile = () => join(dir, `billing-${++files}.db`)

const OWNER = { fullName: 'Олена Коваль', email: 'olena@shop.ua', phone: '050 123 45 67' }
const BUYER = '14360570'
const IBAN = 'UA213223130000026007233566001'

/** 2026-10-01 09:00 in Kyiv (UTC+3 in summer time). */
const OCTOBER_1 = new Date('2026-10-01T06:00:00Z')
/** 2026-10-31 23:00 in Kyiv (UTC+2 after 25 October): October has not closed yet. */
const OCTOBER_31_LATE = new Date('2026-10-31T21:00:00Z')
/** 2026-11-03 10:00 in Kyiv. */
const NOVEMBER_3 = new Date('2026-11-03T08:00:00Z')

/** Us, as acts print the seller (the engine configuration's `seller`). */
function seller({ vatPayer = true } = {}) {
  return {
    requisites: {
      tax_id: '32855961',
      iban: IBAN,
      name: 'ТОВ «Хорошоп»',
      address: '01001, м. Київ, вул. Хрещатик, 1',
      director: 'Коваль Олена Іванівна',
      vat_number: vatPayer ? '328559626541' : null,
      single_tax_group: null,
    },
    contract: 'Договір публічної оферти',
    signatory_position: 'Директор',
    signatory_name: 'Коваль О. І.',
  }
}

/** The registry's record of the buyer, as a JavaScript registry answers it. */
const RECORD = {
  kind: 'found',
  taxId: BUYER,
  name: 'ТОВ «Приклад»',
  address: '65000, м. Одеса, вул. Дерибасівська, 1',
  director: 'Петренко Олена Іванівна',
  vat: { kind: 'payer', number: '143605715098' },
}

/**
 * A Vchasno in JavaScript that knows the companies registered in it, keeps the uploaded acts and
 * answers their statuses, like billing-engine's MemoryVchasno.
 */
function fakeVchasno() {
  const v = {
    registered: new Map(),
    uploads: [],
    statuses: new Map(),
    fail: null,
    port: {
      checkCompany: async (taxId) => {
        if (v.fail) throw new Error(v.fail)
        const name = v.registered.get(taxId)
        return name === undefined ? { registered: false } : { registered: true, name }
      },
      uploadAct: (act) => {
        if (v.fail) return Promise.reject(new Error(v.fail))
        v.uploads.push(act)
        const id = `js-doc-${v.uploads.length}`
        v.statuses.set(id, 'uploaded')
        return id
      },
      statuses: async (ids) =>
        ids.filter((id) => v.statuses.has(id)).map((id) => ({ documentId: id, status: v.statuses.get(id) })),
    },
  }
  return v
}

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

/** An engine with project 11111 on `start`, its first invoice paid, on 1 October 2026. */
async function world({ withSeller = true, sellerPaysVat = true, registry } = {}) {
  const clock = { now: new Date(OCTOBER_1) }
  const vchasno = fakeVchasno()
  const engine = await Engine.open(dbFile(), {
    clock: () => clock.now,
    config: withSeller ? { seller: seller({ vatPayer: sellerPaysVat }) } : {},
    registry: registry ?? ((taxId) => (taxId === BUYER ? RECORD : { kind: 'not_found' })),
    vchasno: vchasno.port,
  })
  await engine.openProject('11111', OWNER, 'start', 'monthly')
  const invoice = (await engine.billingSection('11111')).invoices[0]
  await engine.creditBankTransfer('11111', 'PB-2026-0001', invoice.total, invoice.number)
  return { engine, clock, vchasno }
}

/** The buyer's form as the registry fills it, with the IBAN the owner typed. */
function buyerForm() {
  return {
    taxId: BUYER,
    iban: IBAN,
    name: 'ТОВ «Приклад»',
    address: '65000, м. Одеса, вул. Дерибасівська, 1',
    director: 'Петренко Олена Іванівна',
    vatNumber: '143605715098',
  }
}

describe('paperwork', () => {
  test('the help page scenario end to end', async () => {
    const { engine, clock, vchasno } = await world()
    assert.equal(await engine.requisites('11111'), null)

    // The form: filled from the registry; the owner types the IBAN.
    const prefill = await engine.requisitesPrefill('11111', BUYER)
    assert.equal(prefill.source, 'registry')
    assert.equal(prefill.readOnly, false)
    assert.deepEqual(prefill.notes, [])
    assert.equal(prefill.form.taxId, BUYER)
    assert.equal(prefill.form.name, 'ТОВ «Приклад»')
    assert.equal(prefill.form.director, 'Петренко Олена Іванівна')
    assert.equal(prefill.form.vatNumber, '143605715098')
    const form = { ...prefill.form, iban: IBAN }

    // Save.
    const saved = await engine.saveRequisites('11111', form)
    assert.equal(saved.alreadyApplied, false)
    assert.equal(saved.changes[0].actor.kind, 'owner')
    assert.equal(saved.changes[0].event.event.type, 'requisites_saved')

    // Save and activate: not registered in Vchasno.
    const err = await rejectsWith(engine.saveAndActivateVchasno('11111', form), 'vchasno.not_registered')
    assert.match(err.message, /register the company in Vchasno/)
    assert.equal((await engine.billingSection('11111')).vchasno.activated, false)

    // Register, activate.
    vchasno.registered.set(BUYER, 'ТОВ «Приклад»')
    await engine.activateVchasno('11111')
    let section = await engine.billingSection('11111')
    assert.equal(section.vchasno.activated, true)
    assert.equal(section.vchasno.vchasnoName, 'ТОВ «Приклад»')

    // Edit while activated: refused, nothing saved.
    const edited = { ...form, address: '65000, м. Одеса, вул. Рішельєвська, 2' }
    await rejectsWith(engine.saveRequisites('11111', edited), 'vchasno.edit_while_active')
    assert.match((await engine.requisites('11111')).address, /Дерибасівська/)

    // Deactivate, edit, activate again.
    await engine.deactivateVchasno('11111')
    await rejectsWith(engine.deactivateVchasno('11111'), 'vchasno.not_activated')
    await engine.saveAndActivateVchasno('11111', edited)

    // The prefill now comes from the project's own records, read-only while activated.
    const again = await engine.requisitesPrefill('11111')
    assert.equal(again.source, 'records')
    assert.equal(again.readOnly, true)
    assert.match(again.form.address, /Рішельєвська/)

    // The saved requisites, checked.
    assert.deepEqual(await engine.requisites('11111'), {
      taxId: BUYER,
      iban: IBAN,
      name: 'ТОВ «Приклад»',
      address: '65000, м. Одеса, вул. Рішельєвська, 2',
      director: 'Петренко Олена Іванівна',
      tax: { kind: 'vat_payer', number: '143605715098' },
    })

    // October is not over yet.
    clock.now = OCTOBER_31_LATE
    await rejectsWith(engine.requestAct('11111', '2026-10'), 'act.month_not_closed')
    await rejectsWith(engine.requestAct('11111', 'October'), 'calendar.month')

    // The October act, on 3 November: drawn up, uploaded once.
    clock.now = NOVEMBER_3
    const act = await engine.requestAct('11111', '2026-10')
    assert.equal(act.number, 'A-11111-2026-10')
    assert.equal(act.month, '2026-10')
    assert.equal(act.date, '2026-10-31')
    assert.equal(act.status, 'uploaded')
    assert.equal(act.documentId, 'js-doc-1')
    assert.equal(act.vatRate, 'standard20')
    assert.match(act.total, /^\d+\.\d{2}$/)
    assert.match(act.vat, /^\d+\.\d{2}$/)
    assert.match(act.totalInWords, /(гривня|гривні|гривень) \d{2} копій/)
    assert.ok(act.preparedAt instanceof Date)
    assert.equal(act.preparedAt.getTime(), NOVEMBER_3.getTime())
    assert.equal(act.buyer.taxId, BUYER)
    assert.equal(act.lines.length, 1)
    assert.equal(act.lines[0].invoice, 'HOR-11111-001')
    assert.equal(act.lines[0].total, act.total)
    assert.deepEqual(act.lines[0].share, [1, 1])

    // What the JavaScript Vchasno received.
    assert.equal(vchasno.uploads.length, 1)
    const upload = vchasno.uploads[0]
    assert.equal(upload.recipient, BUYER)
    assert.equal(upload.recipientEmail, 'olena@shop.ua')
    assert.equal(upload.number, act.number)
    assert.equal(upload.date, '2026-10-31')
    assert.equal(upload.amount, act.total)
    assert.match(upload.title, /A-11111-2026-10/)
    assert.ok(Buffer.isBuffer(upload.pdf))
    assert.equal(upload.pdf.subarray(0, 5).toString('latin1'), '%PDF-')

    // Asking again returns the act already sent: no second upload.
    assert.deepStrictEqual(await engine.requestAct('11111', '2026-10'), act)
    assert.equal(vchasno.uploads.length, 1)

    // The PDF, for download.
    const pdf = await engine.actPdf('11111', act.number)
    assert.ok(Buffer.isBuffer(pdf))
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
    await rejectsWith(engine.actPdf('11111', 'A-11111-2026-09'), 'act.unknown')

    // Signed in Vchasno: each poll records a change once.
    vchasno.statuses.set('js-doc-1', 'signed_by_us')
    assert.deepEqual(await engine.pollActStatuses('11111'), [{ number: act.number, status: 'signed_by_us' }])
    assert.deepEqual(await engine.pollActStatuses('11111'), [])
    vchasno.statuses.set('js-doc-1', 'signed_by_both')
    assert.deepEqual(await engine.pollActStatuses('11111'), [{ number: act.number, status: 'signed_by_both' }])
    assert.deepEqual(await engine.pollActStatuses('11111'), [], 'final: not followed')

    // The billing section shows the requisites, Vchasno and the act.
    section = await engine.billingSection('11111')
    assert.equal(section.requisites.taxId, BUYER)
    assert.equal(section.requisites.taxStatus, 'Платник ПДВ, ІПН 143605715098')
    assert.deepEqual(
      section.acts.map((a) => [a.number, a.status, a.total, a.documentId]),
      [[act.number, 'signed_by_both', act.total, 'js-doc-1']],
    )
  })

  test('a missing lookup leaves the fields to the owner; a bad code is refused', async () => {
    const { engine } = await world({ registry: () => ({ kind: 'not_found' }) })
    const prefill = await engine.requisitesPrefill('11111', BUYER)
    assert.equal(prefill.source, 'none')
    assert.equal(prefill.form.taxId, BUYER)
    assert.equal(prefill.form.name, '')
    assert.ok(prefill.notes.length > 0)
    assert.deepEqual(prefill.issues, [{ kind: 'not_found' }])
    const empty = await engine.requisitesPrefill('11111', null)
    assert.equal(empty.source, 'none')
    assert.equal(empty.form.taxId, '')
    await rejectsWith(engine.requisitesPrefill('11111', '14360571'), 'edrpou.checksum')
    await rejectsWith(engine.requisitesPrefill('99999', BUYER), 'project.not_found')
  })

  test('the prefill says, typed, what the registry could not tell', async () => {
    const records = {
      [BUYER]: {
        ...RECORD,
        vat: null,
        vatUnknown: { kind: 'pending', retryAfterSecs: 60 },
        details: { shortName: 'ТОВ «Приклад»', terminated: true, kved: '62.01', actualDate: '2026-09-30' },
      },
      '3652504575': { kind: 'pending', retryAfterSecs: 30 },
    }
    const { engine } = await world({
      registry: (taxId) => {
        if (taxId === '32855961') throw new Error('registry down')
        return records[taxId] ?? { kind: 'not_found' }
      },
    })
    const found = await engine.requisitesPrefill('11111', BUYER)
    assert.equal(found.source, 'registry')
    assert.equal(found.vat, null, 'a pending VAT status is not "not a payer"')
    assert.equal(found.form.vatNumber, undefined)
    assert.deepEqual(found.issues, [{ kind: 'terminated' }, { kind: 'vat_pending', retryAfterSecs: 60 }])
    assert.ok(found.notes.length >= 1)
    assert.equal(found.registry.kind, 'found')
    assert.equal(found.registry.details.kved, '62.01')
    assert.equal(found.registry.details.actualDate, '2026-09-30')
    assert.deepEqual(found.registry.vatUnknown, { kind: 'pending', retryAfterSecs: 60 })

    const pending = await engine.requisitesPrefill('11111', '3652504575')
    assert.equal(pending.source, 'none')
    assert.deepEqual(pending.issues, [{ kind: 'pending', retryAfterSecs: 30 }])
    assert.equal(pending.registry, null)

    const failed = await engine.requisitesPrefill('11111', '32855961')
    assert.equal(failed.source, 'none')
    assert.equal(failed.issues.length, 1)
    assert.equal(failed.issues[0].kind, 'failed')
    assert.equal(failed.issues[0].code, 'registry.failed')
    assert.match(failed.issues[0].message, /registry down/)

    const payer = await (await world()).engine.requisitesPrefill('11111', BUYER)
    assert.deepEqual(payer.vat, { kind: 'payer', number: '143605715098', since: null })
    assert.deepEqual(payer.issues, [])
  })

  test('a bad form saves nothing and names every bad field in err.errors', async () => {
    const { engine } = await world()
    const err = await rejectsWith(
      engine.saveRequisites('11111', { ...buyerForm(), iban: 'UA213223130000026007233566002', name: '' }),
      'requisites.invalid',
    )
    assert.ok(Array.isArray(err.errors), 'err.errors lists the bad fields')
    const byField = Object.fromEntries(err.errors.map((e) => [e.field, e]))
    assert.deepEqual(Object.keys(byField).sort(), ['iban', 'name'])
    assert.equal(byField.iban.code, 'iban.checksum')
    assert.ok(byField.name.code.length > 0)
    assert.ok(byField.name.message.length > 0)
    assert.equal(await engine.requisites('11111'), null, 'nothing saved')
    // Only the form's refusal carries `errors`.
    const other = await rejectsWith(engine.activateVchasno('11111'), 'requisites.missing')
    assert.equal(other.errors, undefined)
    // A single-tax group out of range never reaches the core as another number.
    await rejectsWith(engine.saveRequisites('11111', { ...buyerForm(), singleTaxGroup: 300 }), 'input.invalid')
    // Arguments of the wrong type throw synchronously (napi's own codes).
    assert.throws(() => engine.saveRequisites('11111', { ...buyerForm(), iban: 5 }))
  })

  test('register in Vchasno first: a sole proprietor (РНОКПП) without a Vchasno account', async () => {
    const { engine, vchasno } = await world()
    const fop = {
      taxId: '3652504575',
      iban: IBAN,
      name: 'Іваненко Іван Іванович',
      address: '01001, м. Київ, вул. Хрещатик, 2',
      singleTaxGroup: 3,
    }
    const err = await rejectsWith(engine.saveAndActivateVchasno('11111', fop), 'vchasno.not_registered')
    assert.match(err.message, /3652504575/)
    assert.match(err.message, /register the company in Vchasno/)
    const section = await engine.billingSection('11111')
    assert.equal(section.vchasno.activated, false)
    assert.deepEqual((await engine.requisites('11111')).tax, { kind: 'single_tax', group: 3 })
    // Acts need Vchasno.
    await rejectsWith(engine.requestAct('11111', '2026-09'), 'act.vchasno_not_activated')
    assert.equal(vchasno.uploads.length, 0)
  })

  test('a JavaScript Vchasno that throws or rejects is the retryable vchasno.unreachable', async () => {
    const { engine, clock, vchasno } = await world()
    vchasno.fail = 'Vchasno is down'
    const err = await rejectsWith(engine.saveAndActivateVchasno('11111', buyerForm()), 'vchasno.unreachable')
    assert.match(err.message, /Vchasno is down/)
    assert.equal((await engine.billingSection('11111')).vchasno.activated, false)
    assert.ok(await engine.requisites('11111'), 'the requisites stay saved')

    // An upload that fails (EngineError::Vchasno): the act stays prepared; asking again uploads it.
    vchasno.fail = null
    vchasno.registered.set(BUYER, 'ТОВ «Приклад»')
    await engine.activateVchasno('11111')
    clock.now = NOVEMBER_3
    vchasno.fail = 'upload timed out'
    const upload = await rejectsWith(engine.requestAct('11111', '2026-10'), 'vchasno.unreachable')
    assert.match(upload.message, /uploadAct rejected.*upload timed out/)
    assert.deepEqual(
      (await engine.billingSection('11111')).acts.map((a) => a.status),
      ['prepared'],
    )
    vchasno.fail = null
    const act = await engine.requestAct('11111', '2026-10')
    assert.equal(act.status, 'uploaded')
    assert.equal(vchasno.uploads.length, 1)

    // A status Vchasno should never answer.
    vchasno.statuses.set(act.documentId, 'lost')
    await rejectsWith(engine.pollActStatuses('11111'), 'vchasno.unreachable')
  })

  test('document errors reach JavaScript with their code', async () => {
    // The policy bills 20% VAT, but the configured seller is not a VAT payer.
    const { engine, clock, vchasno } = await world({ sellerPaysVat: false })
    vchasno.registered.set(BUYER, 'ТОВ «Приклад»')
    await engine.saveAndActivateVchasno('11111', buyerForm())
    clock.now = NOVEMBER_3
    const err = await rejectsWith(engine.requestAct('11111', '2026-10'), 'document.vat_not_payer')
    assert.match(err.message, /^document: /)
    assert.equal(vchasno.uploads.length, 0, 'nothing uploaded')
    const [act] = (await engine.billingSection('11111')).acts
    assert.equal(act.status, 'prepared')
    await rejectsWith(engine.actPdf('11111', act.number), 'document.vat_not_payer')
  })

  test('without seller requisites the act stays unsent (engine.config)', async () => {
    const { engine, clock, vchasno } = await world({ withSeller: false })
    vchasno.registered.set(BUYER, 'ТОВ «Приклад»')
    await engine.saveAndActivateVchasno('11111', buyerForm())
    clock.now = NOVEMBER_3
    await rejectsWith(engine.requestAct('11111', '2026-10'), 'engine.config')
    assert.equal(vchasno.uploads.length, 0)
  })

  test('the invoice PDF', async () => {
    const { engine } = await world()
    // Before any requisites: addressed to the owner, still a PDF to pay by transfer.
    const first = await engine.invoicePdf('11111', 'HOR-11111-001')
    assert.equal(first.subarray(0, 5).toString('latin1'), '%PDF-')
    await engine.saveRequisites('11111', buyerForm())
    const pdf = await engine.invoicePdf('11111', 'HOR-11111-001')
    assert.ok(Buffer.isBuffer(pdf))
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
    assert.ok(pdf.length > 1000)
    await rejectsWith(engine.invoicePdf('11111', 'HOR-11111-099'), 'invoice.unknown')
    await rejectsWith(engine.invoicePdf('11111', 'HOR-11111-7'), 'invoice_number.sequence')
    await rejectsWith(engine.invoicePdf('99999', 'HOR-99999-001'), 'project.not_found')
    const { engine: noSeller } = await world({ withSeller: false })
    await noSeller.saveRequisites('11111', buyerForm())
    await rejectsWith(noSeller.invoicePdf('11111', 'HOR-11111-001'), 'engine.config')
  })

  test('a Vchasno option that is not functions is refused synchronously', async () => {
    assert.throws(() => Engine.open(dbFile(), { vchasno: { checkCompany: 1, uploadAct: 2, statuses: 3 } }))
  })
})
