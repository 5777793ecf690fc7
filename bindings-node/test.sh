#!/usr/bin/env bash
# Builds the Node binding and runs its tests; the project's test command calls this.
#
#   bash bindings-node/test.sh
#
# 1. npm ci (the napi CLI, from the committed package-lock.json)
# 2. node build-shared.mjs: the debug addon from the workspace build (`cargo build --workspace
#    --all-targets`, the same feature set and target/debug as the project's test run, so the engine
#    is not compiled a second time), index.js and index.d.ts rendered by the napi CLI's own code
# 3. fails when the committed index.js / index.d.ts differ from what the build generated
# 4. node --test __test__/ (the foundations, the vectors, the engine and the shared scenario, the
#    document side with JavaScript registry and Vchasno ports, the dry-run reconciliation)
set -euo pipefail
export RUST_BACKTRACE=0

cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund

# Keep the committed loader and types to compare with the freshly generated ones.
committed="$(mktemp -d)"
trap 'rm -rf "$committed"' EXIT
for f in index.js index.d.ts; do
  if [[ ! -f "$f" ]]; then
    echo "bindings-node/$f is missing: run 'node build-shared.mjs' in bindings-node and commit it" >&2
    exit 1
  fi
  cp "$f" "$committed/$f"
done

node build-shared.mjs

stale=0
for f in index.js index.d.ts; do
  if ! diff -u "$committed/$f" "$f"; then
    echo "bindings-node/$f is stale: the build regenerated it (diff above); commit the new file" >&2
    stale=1
  fi
done
if [[ "$stale" -ne 0 ]]; then
  exit 1
fi

node --test __test__/
