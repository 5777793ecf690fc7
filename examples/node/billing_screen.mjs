// The Node backend's side of the admin panel's Billing section: a small HTTP API over the engine.
//
//   GET  /projects/:code/billing                      the billing section as the panel shows it
//   POST /projects/:code/invoices/:number/pay-link    the card payment page of an open invoice
//   GET  /projects/:code/invoices/:number.pdf         the invoice PDF with the NBU payment QR code
//
// Errors answer with the engine's stable code: 404 `project.not_found` / `invoice.unknown`,
// 400 for malformed input (`service_code.*`, `invoice_number.*`), 409 for other refusals.
//
// Run from the repository root after building the binding (`cd bindings-node && npx napi build
// --platform --release`, which `bindings-node/test.sh` does):
//
//   node examples/node/billing_screen.mjs          # starts, calls itself once, prints, exits
//   node examples/node/billing_screen.mjs --serve  # keeps serving on http://127.0.0.1:8080
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
// In the platform's backend: `require('billing-core')`.
const { Engine } = require(process.env.BILLING_CORE_NODE ?? '../../bindings-node/index.js')

/** The seller (us) that invoices print: valid test requisites, not a real company's. */
const SELLER = {
  requisites: {
    tax_id: '32855961',
    iban: 'UA213223130000026007233566001',
    name: 'ТОВ «Платформа Демо»',
    address: '01001, м. Київ, вул. Хрещатик, буд. 1',
    director: 'Коваль Олена Іванівна',
    vat_number: '328559626541',
  },
}

/** An HTTP status for an engine error, by its stable code. */
function statusOf(code = '') {
  if (code === 'project.not_found' || code === 'invoice.unknown') return 404
  if (/^(service_code|invoice_number|money)\./.test(code)) return 400
  if (/^(store|engine)\./.test(code)) return 500
  return 409
}

/** The panel's view of the section: what the Billing page renders. */
function panelView(s) {
  return {
    project: s.serviceCode,
    access: s.access,
    owner: s.owner && `${s.owner.fullName} <${s.owner.email}>`,
    domains: s.domains.map((d) => d.unicode),
    tariff: s.tariff && {
      name: s.tariff.name,
      paidUntil: s.tariff.periodEnd,
      products: s.tariff.products,
      orders: s.tariff.ordersThisMonth,
    },
    payment: s.paymentMethod.autopay ? `autopay ${s.paymentMethod.cardMaskedPan}` : 'bank transfer or card link',
    owed: s.totalOwed,
    invoices: s.invoices.map((i) => ({
      number: i.number,
      total: i.total,
      status: i.overdue ? 'overdue' : i.status,
      dueOn: i.dueOn,
      payLink: i.link?.url ?? null,
      pdf: `/projects/${s.serviceCode}/invoices/${i.number}.pdf`,
    })),
  }
}

export function billingApi(engine) {
  return createServer(async (req, res) => {
    const send = (status, body, type = 'application/json; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type })
      res.end(type.startsWith('application/json') ? JSON.stringify(body) : body)
    }
    try {
      const url = new URL(req.url, 'http://localhost')
      let m
      if (req.method === 'GET' && (m = url.pathname.match(/^\/projects\/([^/]+)\/billing$/))) {
        return send(200, panelView(await engine.billingSection(m[1])))
      }
      if (req.method === 'POST' && (m = url.pathname.match(/^\/projects\/([^/]+)\/invoices\/([^/]+)\/pay-link$/))) {
        return send(200, await engine.paymentLink(m[1], m[2], 'owner'))
      }
      if (req.method === 'GET' && (m = url.pathname.match(/^\/projects\/([^/]+)\/invoices\/([^/]+)\.pdf$/))) {
        return send(200, await engine.invoicePdf(m[1], m[2]), 'application/pdf')
      }
      return send(404, { code: 'http.not_found', message: url.pathname })
    } catch (e) {
      return send(statusOf(e.code), { code: e.code ?? 'internal', message: e.message })
    }
  })
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'billing-screen-'))
  try {
    // 2026-03-16 10:00 in Kyiv: a fixed clock, so the output is the same every run.
    const now = new Date('2026-03-16T08:00:00Z')
    const engine = await Engine.open(join(dir, 'billing.db'), { config: { seller: SELLER }, clock: () => now })
    const owner = { fullName: 'Олена Коваль', email: 'olena@kvity.com.ua', phone: '050 123 45 67' }
    await engine.openProject('11111', owner, 'business', 'monthly')
    await engine.recordUsage('11111', 4620, 1310)
    await engine.saveRequisites('11111', {
      taxId: '3652504575',
      iban: 'UA743052990000026007233566001',
      name: 'ФОП Коваль Олена Іванівна',
      address: '21000, м. Вінниця, вул. Соборна, буд. 12',
      singleTaxGroup: 3,
    })

    const server = billingApi(engine)
    const serve = process.argv.includes('--serve')
    await new Promise((ok) => server.listen(serve ? 8080 : 0, '127.0.0.1', ok))
    const base = `http://127.0.0.1:${server.address().port}`
    if (serve) {
      console.log(`serving ${base}/projects/11111/billing`)
      return
    }
    const section = await (await fetch(`${base}/projects/11111/billing`)).json()
    console.log(JSON.stringify(section, null, 2))
    const invoice = section.invoices[0].number
    const link = await (await fetch(`${base}/projects/11111/invoices/${invoice}/pay-link`, { method: 'POST' })).json()
    console.log('pay by card:', link.url)
    const pdf = await fetch(`${base}/projects/11111/invoices/${invoice}.pdf`)
    const bytes = Buffer.from(await pdf.arrayBuffer())
    console.log('invoice PDF:', pdf.status, pdf.headers.get('content-type'), bytes.length, 'bytes')
    for (const path of ['/projects/99999/billing', '/projects/12/billing', `/projects/11111/invoices/HOR-11111-099.pdf`]) {
      const r = await fetch(base + path)
      console.log(path, '->', r.status, (await r.json()).code)
    }
    server.close()
    if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('not a PDF')
  } finally {
    if (!process.argv.includes('--serve')) rmSync(dir, { recursive: true, force: true })
  }
}

await main()
