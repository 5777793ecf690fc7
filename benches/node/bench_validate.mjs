// Throughput of billing-core's Node binding: IBAN validation against ibantools, and ЄДРПОУ/РНОКПП.
//
//   cd benches/node && npm ci && npm run bench     # builds the release addon, then runs
//   node benches/node/bench_validate.mjs [count]   # as built; count defaults to 1 000 000
//
// `npm run build` makes the release addon (`npx napi build --platform --release` in bindings-node);
// a debug addon works too but is several times slower, and the script says which one it loaded.
// All data is generated here from a fixed seed: mostly valid Ukrainian IBANs in electronic form,
// some corrupted. Each contender runs on the same array in the same process; the best of several
// rounds is reported.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

import { isValidIBAN } from 'ibantools'

const require = createRequire(import.meta.url)
const bindingDir = fileURLToPath(new URL('../../bindings-node/', import.meta.url))
const billing = require(bindingDir)

const COUNT = Number(process.argv[2] ?? 1_000_000)
const ROUNDS = 5

// --- data ------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run validates the same values. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rng = prng(20261125)
const digits = (n) => {
  let s = ''
  for (let i = 0; i < n; i++) s += Math.floor(rng() * 10)
  return s
}

/** ISO 7064 mod 97-10 check digits for a Ukrainian account part (МФО + account number). */
function uaCheckDigits(bban) {
  let r = 0
  for (const c of `${bban}301000`) r = (r * 10 + (c.charCodeAt(0) - 48)) % 97 // U=30 A=10 + "00"
  return String(98 - r).padStart(2, '0')
}

const MFOS = ['305299', '322001', '322313', '300465', '300335', '351005', '334851', '380582']

/** A valid UA IBAN: a known or random МФО, and a 19-digit account number. */
function validUaIban() {
  const mfo = rng() < 0.8 ? MFOS[Math.floor(rng() * MFOS.length)] : digits(6)
  const bban = mfo + digits(19)
  return `UA${uaCheckDigits(bban)}${bban}`
}

/** An invalid IBAN: one digit changed, two neighbours swapped, a character dropped, or a letter. */
function invalidIban() {
  const s = validUaIban()
  const at = 4 + Math.floor(rng() * (s.length - 5))
  switch (Math.floor(rng() * 4)) {
    case 0:
      return s.slice(0, at) + ((Number(s[at]) + 1) % 10) + s.slice(at + 1)
    case 1:
      return s[at] === s[at + 1]
        ? s.slice(0, at) + 'X' + s.slice(at + 1)
        : s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2)
    case 2:
      return s.slice(0, at) + s.slice(at + 1)
    default:
      return s.slice(0, at) + 'Q' + s.slice(at + 1)
  }
}

/** Valid ЄДРПОУ/РНОКПП: random digits with the one last digit the core accepts. */
function withCheckDigit(len, isValid) {
  const base = digits(len - 1)
  for (let d = 0; d < 10; d++) if (isValid(base + d)) return base + d
  return base + '0'
}

/**
 * `COUNT` values, `validShare` of them from `make`. The JSON round trip makes them flat strings,
 * as values read from JSON, a database or a request are (concatenation builds rope strings).
 */
function generate(make, invalid, validShare) {
  const out = new Array(COUNT)
  for (let i = 0; i < COUNT; i++) out[i] = rng() < validShare ? make() : invalid()
  return JSON.parse(JSON.stringify(out))
}

// --- timing ----------------------------------------------------------------------------------

/** Best-of-rounds throughput of `run(values)`, which returns the number of valid values. */
function measure(name, values, run) {
  run(values.slice(0, 10_000)) // warm up the JIT and the addon
  let best = Infinity
  let valid
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.hrtime.bigint()
    valid = run(values)
    const ns = Number(process.hrtime.bigint() - t0)
    best = Math.min(best, ns)
  }
  const perSecond = (values.length / best) * 1e9
  return { name, valid, perSecond, nsPerValue: best / values.length }
}

const perCall = (predicate) => (values) => {
  let n = 0
  for (let i = 0; i < values.length; i++) if (predicate(values[i])) n++
  return n
}

const batch = (predicateBatch) => (values) => {
  const verdicts = predicateBatch(values)
  let n = 0
  for (let i = 0; i < verdicts.length; i++) if (verdicts[i]) n++
  return n
}

const fmt = (x) => Math.round(x).toLocaleString('en-US')

function report(title, results, baseline) {
  console.log(`\n${title}`)
  for (const r of results) {
    const ratio = baseline ? `  ${(r.perSecond / baseline.perSecond).toFixed(2)}x ${baseline.name}` : ''
    console.log(
      `  ${r.name.padEnd(34)} ${fmt(r.perSecond).padStart(12)} values/s  ${r.nsPerValue.toFixed(1).padStart(7)} ns/value  (${fmt(r.valid)} valid)${ratio}`,
    )
  }
}

// --- run -------------------------------------------------------------------------------------

// napi copies cargo's cdylib next to index.js: say whether the loaded addon is the release one.
const addon = new URL(`../../bindings-node/billing-core.linux-x64-gnu.node`, import.meta.url)
const release = new URL(
  '../../target/x86_64-unknown-linux-gnu/release/libbilling_core_node.so',
  import.meta.url,
)
const isRelease = existsSync(addon) && existsSync(release) && readFileSync(addon).equals(readFileSync(release))
console.log(`addon: ${fileURLToPath(addon)} (${isRelease ? 'release' : 'NOT the release build'})`)
if (!isRelease) console.log('  run `npm run build` (napi build --platform --release) first for real figures')
console.log(`node ${process.version}, ${COUNT.toLocaleString('en-US')} values per set, best of ${ROUNDS} rounds`)

const ibans = generate(validUaIban, invalidIban, 0.9)
// Both libraries give the same verdict on every generated IBAN (checked outside the timing).
const ours = billing.isValidIbanBatch(ibans)
let disagree = 0
for (let i = 0; i < ibans.length; i++) if (ours[i] !== isValidIBAN(ibans[i])) disagree++
assert.equal(disagree, 0, `${disagree} IBANs where billing-core and ibantools disagree`)

const ibantools = measure('ibantools.isValidIBAN', ibans, perCall(isValidIBAN))
const ibanResults = [
  ibantools,
  measure('billing-core isValidIban (per call)', ibans, perCall(billing.isValidIban)),
  measure('billing-core isValidIbanBatch', ibans, batch(billing.isValidIbanBatch)),
]
for (const r of ibanResults) assert.equal(r.valid, ibantools.valid, `${r.name} valid count`)
report('IBAN (90% valid UA, electronic form)', ibanResults, ibantools)

const edrpous = generate(() => withCheckDigit(8, billing.isValidEdrpou), () => digits(8), 0.9)
report('ЄДРПОУ (90% valid)', [
  measure('billing-core isValidEdrpou (per call)', edrpous, perCall(billing.isValidEdrpou)),
  measure('billing-core isValidEdrpouBatch', edrpous, batch(billing.isValidEdrpouBatch)),
])

const rnokpps = generate(() => withCheckDigit(10, billing.isValidRnokpp), () => digits(10), 0.9)
report('РНОКПП (90% valid)', [
  measure('billing-core isValidRnokpp (per call)', rnokpps, perCall(billing.isValidRnokpp)),
  measure('billing-core isValidRnokppBatch', rnokpps, batch(billing.isValidRnokppBatch)),
])

const [, perCallIban, batchIban] = ibanResults
console.log(
  `\nbilling-core vs ibantools: per call ${(perCallIban.perSecond / ibantools.perSecond).toFixed(2)}x, batch ${(batchIban.perSecond / ibantools.perSecond).toFixed(2)}x`,
)
