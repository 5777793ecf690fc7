#!/usr/bin/env bash
# Builds the Python binding into the venv and runs its checks: pytest, stubtest and mypy.
#
# Expects a venv at $VENV (default: <repo>/.venv) with requirements-dev.txt installed:
#   python3 -m venv .venv && .venv/bin/pip install -r bindings-python/requirements-dev.txt
# Set PROFILE=release for an optimised build (as the benches want).
set -euo pipefail
export RUST_BACKTRACE=0

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(git -C "$HERE" rev-parse --show-toplevel)"
VENV="${VENV:-$ROOT/.venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "test.sh: no venv at $VENV (create it and pip install -r $HERE/requirements-dev.txt)" >&2
    exit 1
fi
# maturin develop installs into the active venv.
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
unset PYTHONHOME

release=()
[[ "${PROFILE:-debug}" == release ]] && release=(--release)

cd "$HERE"
echo "== maturin develop ${release[*]:-}"
maturin develop --quiet "${release[@]}"

echo "== pytest"
python -m pytest -q tests

echo "== stubtest"
# Outside the source tree, so the installed package is what gets checked; this covers billing_core
# and its submodule billing_core._native.
(cd "$(mktemp -d)" && python -m mypy.stubtest billing_core)

echo "== mypy --strict (package and tests)"
python -m mypy --cache-dir "$CARGO_TARGET_DIR/mypy-cache"
