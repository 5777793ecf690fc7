// The package as `npm install ./bindings-node` (or a packed tarball) gives it to a consumer.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const root = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

test('package.json names the npm package and points at files that exist', () => {
  assert.equal(pkg.name, 'billing-core')
  assert.ok(existsSync(new URL(`../${pkg.main}`, import.meta.url)), pkg.main)
  assert.ok(existsSync(new URL(`../${pkg.types}`, import.meta.url)), pkg.types)
})

test('the packed package holds the loader, the types and the native addon, and no sources', () => {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )
  const files = packed.files.map((f) => f.path).sort()
  for (const want of [pkg.main, pkg.types, 'package.json']) assert.ok(files.includes(want), want)
  assert.ok(
    files.some((f) => /^billing-core\.[\w-]+\.node$/.test(f)),
    `a native addon in ${files}`,
  )
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('__test__/')), `${files}`)
})

test('require() of the package folder loads it through "main", and index.d.ts declares it all', () => {
  const loaded = createRequire(import.meta.url)(root)
  const dts = readFileSync(new URL(`../${pkg.types}`, import.meta.url), 'utf8')
  const names = Object.keys(loaded)
  assert.ok(names.length > 0)
  for (const name of names) {
    assert.match(dts, new RegExp(`export declare (class|function|const) ${name}\\b`), name)
  }
})
