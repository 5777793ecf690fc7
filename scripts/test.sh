#!/usr/bin/env bash
# Every test of the project, on a fresh machine: Rust (core, CLI), Python (pyo3), Node (napi-rs) and the
# uniffi layer (Swift generation, exercised through uniffi's Python bindings), plus fmt and clippy.
# It installs what it needs itself: a Python venv in .venv, npm packages with `npm ci`.
set -euo pipefail
export RUST_BACKTRACE=0 CARGO_TERM_COLOR=never
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR="$ROOT/target"
export VENV="$ROOT/.venv"
# A clean clone gains nothing from incremental compilation, and its files take gigabytes of disk.
[ -n "${CI:-}" ] && export CARGO_INCREMENTAL=0
start=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
# Disk left where the build and the test servers write: a failure for want of space shows here.
disk() { df -h "$ROOT" "${TMPDIR:-/tmp}" /dev/shm 2>/dev/null | awk 'NR == 1 || !seen[$0]++'; }

step "toolchain check"
missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
# The store's PostgreSQL tests start a throwaway server from the machine's binaries (and fail under CI without them).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
cargo --version; python3 --version; node --version; npm --version
disk

step "cargo fmt --check"
cargo fmt --all -- --check

# The venv's interpreter for every build: maturin builds pyo3 for it, so the workspace build uses the
# same one and pyo3 is compiled once (its build script reruns when the interpreter changes).
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
export PYO3_PYTHON="$VENV/bin/python"

step "cargo build (one feature set for build, test and the bindings)"
cargo build --workspace --all-targets

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

disk

step "Python venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# shellcheck disable=SC1091
source "$VENV/bin/activate"
python -m pip install -q --upgrade pip
for req in bindings-python/requirements-dev.txt bindings-swift/requirements-dev.txt; do
  [ -f "$req" ] && python -m pip install -q -r "$req"
done

step "Python binding (pyo3)"
bash bindings-python/test.sh

step "Node binding (napi-rs)"
bash bindings-node/test.sh

step "Swift binding (uniffi: generation + runtime through uniffi's Python)"
bash bindings-swift/test.sh

step "examples: the Python finance script and the Node backend snippet, on the bindings just built"
python examples/python/billing_screen.py >/dev/null
node examples/node/billing_screen.mjs >/dev/null

disk
step "all tests passed"
