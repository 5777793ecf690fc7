#!/usr/bin/env bash
# Tests of the Swift binding (uniffi) on a machine without Swift:
#   1. build billing-core-swift (libbilling_ffi) and the uniffi-bindgen tools (debug, workspace target/);
#   2. generate the Swift sources, C header and module map into bindings-swift/generated/ (the SwiftPM
#      layout Package.swift expects) and check them;
#   3. generate the uniffi Python module `billing_ffi` next to a copy of the library and run pytest on
#      bindings-swift/tests/python: the runtime check of the same FFI Swift calls;
#   4. where `swiftc` exists, compile the generated Swift too.
# Expects an activated virtualenv with pytest. Exits non-zero on any failure.
set -euo pipefail
export RUST_BACKTRACE=0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

python="${PYTHON:-python}"
"$python" -m pytest --version >/dev/null || {
    echo "test.sh: pytest is missing: activate the project's virtualenv" >&2
    exit 1
}

step() { printf '\n== bindings-swift: %s\n' "$*"; }

step "build billing-core-swift and uniffi-bindgen"
cargo build -p billing-core-swift -p uniffi-bindgen
target_dir="$(cargo metadata --format-version 1 --no-deps |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
case "$(uname -s)" in
    Darwin) lib_file=libbilling_ffi.dylib ;;
    *) lib_file=libbilling_ffi.so ;;
esac
lib="$target_dir/debug/$lib_file"
bindgen="$target_dir/debug/uniffi-bindgen"
bindgen_swift="$target_dir/debug/uniffi-bindgen-swift"

step "generate Swift into bindings-swift/generated"
generated="$here/generated"
swift_sources="$generated/Sources/BillingCore"
ffi_include="$generated/Sources/BillingCoreFFI/include"
rm -rf "$generated"
mkdir -p "$swift_sources" "$ffi_include"
"$bindgen_swift" --swift-sources "$lib" "$swift_sources"
"$bindgen_swift" --headers "$lib" "$ffi_include"
"$bindgen_swift" --modulemap --module-name BillingCoreFFI --modulemap-filename module.modulemap \
    "$lib" "$ffi_include"

fail() {
    echo "test.sh: $*" >&2
    exit 1
}
swift_file="$swift_sources/BillingCore.swift"
header="$ffi_include/BillingCoreFFI.h"
modulemap="$ffi_include/module.modulemap"
for f in "$swift_file" "$header" "$modulemap"; do
    [[ -s "$f" ]] || fail "not generated: $f"
done
grep -q 'import BillingCoreFFI' "$swift_file" || fail "BillingCore.swift does not import BillingCoreFFI"
grep -q 'typealias Decimal = Foundation.Decimal' "$swift_file" ||
    fail "Decimal is not mapped to Foundation.Decimal (see uniffi.toml)"
if grep -q 'typealias Decimal = String' "$swift_file"; then
    fail "Decimal is a String typealias: it would clash with Foundation.Decimal"
fi
for api in 'enum BillingError: Swift.Error' 'public protocol Clock' 'public func parseIban(' \
    'public func formatMoneyDocument(amount: Decimal)' 'public func todayInKyiv(clock: Clock)'; do
    grep -qF "$api" "$swift_file" || fail "BillingCore.swift lacks: $api"
done
grep -q 'module BillingCoreFFI' "$modulemap" || fail "module.modulemap does not declare BillingCoreFFI"
grep -q 'header "BillingCoreFFI.h"' "$modulemap" || fail "module.modulemap does not name the header"
grep -q 'uniffi_billing_ffi_fn_func_parse_iban' "$header" || fail "the header lacks the FFI functions"
echo "generated: $(wc -l <"$swift_file") lines of Swift, $(wc -l <"$header") lines of C header"

step "generate the uniffi Python module and run pytest"
python_out="$target_dir/uniffi/python"
rm -rf "$python_out"
mkdir -p "$python_out"
"$bindgen" generate --no-format --library "$lib" --language python --out-dir "$python_out"
[[ -s "$python_out/billing_ffi.py" ]] || fail "billing_ffi.py was not generated"
cp "$lib" "$python_out/"
PYTHONPATH="$python_out${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    "$python" -m pytest -c "$here/tests/python/pytest.ini" --rootdir "$here/tests/python" \
    -q "$here/tests/python"

if command -v swiftc >/dev/null 2>&1; then
    step "compile the generated Swift with $(swiftc --version 2>&1 | head -n 1)"
    swift_out="$target_dir/uniffi/swift"
    rm -rf "$swift_out"
    mkdir -p "$swift_out"
    swiftc -emit-library -module-name BillingCore \
        -Xcc -fmodule-map-file="$modulemap" -I "$ffi_include" \
        -L "$target_dir/debug" -lbilling_ffi \
        "$swift_file" -o "$swift_out/libBillingCore.${lib_file##*.}"
    echo "compiled: $swift_out/libBillingCore.${lib_file##*.}"
else
    step "swiftc not found: the generated Swift was checked, not compiled"
fi
