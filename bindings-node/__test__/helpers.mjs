// Shared by the test files: the built binding, the shared vectors, and error assertions.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The package as a consumer sees it: `require('billing-core')` resolves to this index.js. */
export const billing = require('../index.js')

/** The vectors every language's suite reads: billing-core/tests/data/vectors.json. */
export const vectors = JSON.parse(
  readFileSync(new URL('../../billing-core/tests/data/vectors.json', import.meta.url), 'utf8'),
)

/** Every input of every kind in the vectors file, valid or not, without repeats. */
export const allInputs = [
  ...new Set(
    Object.values(vectors)
      .filter(Array.isArray)
      .flat()
      .map((v) => v.input),
  ),
]

/**
 * Asserts that `fn` throws a plain JS `Error` carrying the core's dotted `code` and a message.
 * Returns the error for further checks.
 */
export function assertCoreError(fn, code, what = '') {
  let caught
  assert.throws(fn, (err) => {
    caught = err
    return true
  }, `expected ${code} ${what}`)
  assert.ok(caught instanceof Error, `not an Error: ${caught} ${what}`)
  assert.equal(caught.code, code, `wrong code for ${what}: ${caught.message}`)
  assert.equal(typeof caught.message, 'string')
  assert.ok(caught.message.length > 0, `empty message for ${what}`)
  return caught
}

/** Whether `fn` returns (true) or throws (false). */
export function parses(fn) {
  try {
    fn()
    return true
  } catch {
    return false
  }
}

/** A small deterministic PRNG (mulberry32), so generated cases are the same on every run. */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
