// The debug addon from the workspace's own cargo build, so the engine is compiled once per test run.
//
//   node bindings-node/build-shared.mjs
//
// `napi build` always passes `--target <triple>`, which puts every crate in a directory of its own
// (target/<triple>/debug) and compiles the engine, sqlx and tokio a second time next to the
// workspace build (target/debug). This script does what `napi build --platform` does for the
// host, on the workspace build instead:
//
// 1. `cargo build --workspace --all-targets` (the project's one feature set: the same command the
//    test script runs first, so here it only recompiles this crate) with napi-derive's type-def
//    folder set, which makes the macro write the TypeScript definitions;
// 2. copies target/debug/libbilling_core_node.so to billing-core.linux-x64-gnu.node;
// 3. renders index.d.ts and the index.js loader with the napi CLI's own `generateTypeDef` and
//    `writeJsBinding` (the same functions `napi build` calls), so the files are byte for byte
//    what `npx napi build --platform` writes.
//
// The release addon (`npm run build`) still comes from `napi build --platform --release`.
// BILLING_NODE_CARGO_ARGS replaces the cargo arguments (e.g. `build -p billing-core-node --lib`
// while the rest of the workspace does not compile); the artifact is then not the shared one.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { generateTypeDef, writeJsBinding } from '@napi-rs/cli'

const here = fileURLToPath(new URL('.', import.meta.url))
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'))
const crate = 'billing_core_node'

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error('build-shared.mjs builds the linux-x64-gnu addon only; use `npx napi build --platform`')
}

const metadata = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: here, encoding: 'utf8' }),
)
const targetDir = metadata.target_directory
const typeDefRoot = join(targetDir, 'napi-rs')
mkdirSync(typeDefRoot, { recursive: true })
const typeDefDir = mkdtempSync(join(typeDefRoot, `${crate}-shared-typedefs-`))

try {
  // Exactly the workspace build's command, so the feature set is the same and only this crate
  // recompiles (the new type-definition folder). The crate has no test target (`test = false`),
  // so napi-derive runs once and writes each type definition once.
  const cargoArgs = process.env.BILLING_NODE_CARGO_ARGS?.split(/\s+/).filter(Boolean) ?? [
    'build',
    '--workspace',
    '--all-targets',
  ]
  execFileSync('cargo', cargoArgs, {
    cwd: metadata.workspace_root,
    stdio: 'inherit',
    env: {
      ...process.env,
      RUST_BACKTRACE: '0',
      // napi-derive writes the type definitions here; a new folder makes the crate recompile.
      NAPI_TYPE_DEF_TMP_FOLDER: typeDefDir,
    },
  })

  copyFileSync(join(targetDir, 'debug', `lib${crate}.so`), join(here, `${pkg.napi.binaryName}.linux-x64-gnu.node`))

  const { exports, dts } = await generateTypeDef({
    typeDefDir,
    cwd: here,
    constEnum: pkg.napi.constEnum,
    runtimeStringEnum: pkg.napi.runtimeStringEnum,
    configDtsHeader: pkg.napi.dtsHeader,
    configDtsHeaderFile: pkg.napi.dtsHeaderFile,
    // The root loader is written (and declares `__napiBindingTarget`) when there is something to load.
    declareBindingTarget: (generated) => generated.length > 0,
  })
  writeFileSync(join(here, 'index.d.ts'), dts, 'utf8')
  await writeJsBinding({
    platform: true,
    idents: exports,
    binaryName: pkg.napi.binaryName,
    packageName: pkg.napi.packageName ?? pkg.name,
    version: pkg.version,
    outputDir: here,
    wasiFlavors: [],
  })
} finally {
  rmSync(typeDefDir, { recursive: true, force: true })
}
