// The cost of crossing into the engine from Node: one billing section query (a Promise on napi's
// tokio runtime) and one validation (a synchronous call), with the per-call overhead around them.
//
//   (cd bindings-node && npm ci && npx napi build --platform --release)   # the release addon
//   node benches/node/bench_ffi.mjs [calls]                              # calls defaults to 20 000
//
// What each line measures, all on the shared scenario's project (SQLite file in a temp dir, project
// 11111 on `start`, usage recorded, the first invoice paid by a bank line):
//
// - `lookupRequisites` with the default in-memory registry does almost no Rust work (parse a
//   ЄДРПОУ, read an empty map): its time is the floor of any engine call, i.e. the async boundary
//   itself (create the Promise, hand the future to tokio, settle it back on the event loop).
// - `billingSection` sequential: one query at a time, awaited (latency); concurrent: 32 in flight
//   (throughput on the runtime's worker threads while the event loop converts results).
// - `billingSection` with a JavaScript clock: the same with `clock: () => new Date()`, so each
//   engine read of the time is a round trip to the event loop (a thread-safe function call).
// - `isValidIban` / `new Iban`: one synchronous validation (the boundary copies the string out of
//   V8; the check itself is tens of nanoseconds in Rust, see `cargo bench --bench validate`).
//
// Each figure is the best of several rounds, after a warm-up.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const bindingDir = fileURLToPath(new URL('../../bindings-node/', import.meta.url))
const { Engine, Iban, isValidIban, isValidEdrpou } = require(bindingDir)

const CALLS = Number(process.argv[2] ?? 20_000)
const ROUNDS = 5
const IN_FLIGHT = 32

const addon = new URL('../../bindings-node/billing-core.linux-x64-gnu.node', import.meta.url)
const release = new URL('../../target/x86_64-unknown-linux-gnu/release/libbilling_core_node.so', import.meta.url)
const isRelease = existsSync(addon) && existsSync(release) && readFileSync(addon).equals(readFileSync(release))
console.log(`addon: ${fileURLToPath(addon)} (${isRelease ? 'release' : 'NOT the release build'})`)
if (!isRelease) console.log('  build it with `npx napi build --platform --release` in bindings-node for real figures')
console.log(`node ${process.version}; ${CALLS.toLocaleString('en-US')} calls per round, best of ${ROUNDS} rounds`)

const dir = mkdtempSync(join(tmpdir(), 'billing-ffi-bench-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

const OWNER = { fullName: 'Олена Коваль', email: 'olena@shop.ua', phone: '050 123 45 67' }

/** An engine over a new SQLite file with the shared scenario's project in it. */
async function scenario(name, options) {
  const engine = await Engine.open(join(dir, `${name}.db`), options)
  await engine.openProject('11111', OWNER, 'start', 'monthly')
  await engine.recordUsage('11111', 120, 45)
  const { invoices } = await engine.billingSection('11111')
  await engine.creditBankTransfer('11111', 'PB-2026-0001', invoices[0].total, invoices[0].number)
  return engine
}

/** Best-of-rounds time per call of `run(n)`, which makes `n` calls. */
async function measure(name, n, run) {
  await run(Math.min(n, 1000)) // warm up the JIT, the runtime's threads, SQLite's cache
  let best = Infinity
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.hrtime.bigint()
    await run(n)
    best = Math.min(best, Number(process.hrtime.bigint() - t0))
  }
  return { name, nsPerCall: best / n }
}

const sequential = (call) => async (n) => {
  for (let i = 0; i < n; i++) await call()
}

const concurrent = (call) => async (n) => {
  let started = 0
  const worker = async () => {
    while (started < n) {
      started++
      await call()
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
}

const syncLoop = (call) => async (n) => {
  let ok = 0
  for (let i = 0; i < n; i++) if (call(i)) ok++
  assert.ok(ok > 0)
}

const engine = await scenario('system-clock')
const jsClocked = await scenario('js-clock', { clock: () => new Date() })
const section = await engine.billingSection('11111')
assert.equal(section.invoices[0].status, 'paid')
assert.equal(section.totalOwed, '0.00')

const SYNC_CALLS = CALLS * 50
const ibans = ['UA213223130000026007233566001', 'UA903052992990004149123456789', 'UA213223130000026007233566002']
const results = [
  await measure('lookupRequisites (async floor)', CALLS, sequential(() => engine.lookupRequisites('32855961'))),
  await measure('billingSection, sequential', CALLS, sequential(() => engine.billingSection('11111'))),
  await measure(`billingSection, ${IN_FLIGHT} in flight`, CALLS, concurrent(() => engine.billingSection('11111'))),
  await measure('billingSection, JS clock, sequential', CALLS, sequential(() => jsClocked.billingSection('11111'))),
  await measure('isValidIban (sync)', SYNC_CALLS, syncLoop((i) => isValidIban(ibans[i % 3]))),
  await measure('new Iban (sync, parse + object)', SYNC_CALLS, syncLoop((i) => new Iban(ibans[i % 2]).isUkrainian)),
  await measure('isValidEdrpou (sync)', SYNC_CALLS, syncLoop(() => isValidEdrpou('32855961'))),
]

console.log()
for (const r of results) {
  const us = r.nsPerCall / 1000
  const perSecond = 1e9 / r.nsPerCall
  console.log(
    `  ${r.name.padEnd(40)} ${us.toFixed(us < 1 ? 3 : 1).padStart(8)} µs/call  ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} calls/s`,
  )
}
const [floor, seq, , clocked] = results
console.log(
  `\n  async boundary (floor): ${(floor.nsPerCall / 1000).toFixed(1)} µs; billingSection beyond it: ${((seq.nsPerCall - floor.nsPerCall) / 1000).toFixed(1)} µs (SQLite read, decide, JSON → JS objects); a JS clock adds ${((clocked.nsPerCall - seq.nsPerCall) / 1000).toFixed(1)} µs`,
)
