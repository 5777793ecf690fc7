#!/usr/bin/env bash
# Tests of the Swift binding (uniffi) on a machine without Swift:
#   1. build billing-core-swift (libbilling_ffi) and the uniffi-bindgen tools (debug, workspace target/),
#      with the workspace's feature set so the core is compiled once for every build of the run;
#   2. generate the Swift sources, C header and module map and compare them with the committed
#      SwiftPM layout (Sources/BillingCore, Sources/BillingCoreFFI/include): stale files fail the run
#      (UPDATE_GENERATED=1 rewrites them); check the API the app and the example use is there;
#   3. generate the uniffi Python module `billing_ffi` next to a copy of the library and run pytest on
#      bindings-swift/tests/python: the runtime check of the same FFI Swift calls;
#   4. where `swiftc` exists, compile the generated Swift, the hand-written extensions and
#      examples/swift/BillingScreen.swift against the library.
# Expects an activated virtualenv with pytest. Exits non-zero on any failure.
#
#   SWIFT_BUILD=package   build only the two packages (a quicker loop while editing; it compiles the
#                         core a second time, with fewer features than the workspace build)
#   UPDATE_GENERATED=1    rewrite the committed generated files instead of failing when they are stale
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
fail() {
    echo "test.sh: $*" >&2
    exit 1
}

if [[ "${SWIFT_BUILD:-workspace}" == package ]]; then
    step "build billing-core-swift and uniffi-bindgen (package feature set)"
    cargo build -p billing-core-swift -p uniffi-bindgen
else
    # The same command as scripts/test.sh: a no-op after it, and the same artifacts as maturin/napi.
    step "build the workspace (one feature set for every binding)"
    cargo build --workspace --all-targets
fi
target_dir="$(cargo metadata --format-version 1 --no-deps |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
case "$(uname -s)" in
    Darwin) lib_file=libbilling_ffi.dylib ;;
    *) lib_file=libbilling_ffi.so ;;
esac
lib="$target_dir/debug/$lib_file"
bindgen="$target_dir/debug/uniffi-bindgen"
bindgen_swift="$target_dir/debug/uniffi-bindgen-swift"

step "generate Swift and compare with the committed Sources/"
fresh="$target_dir/uniffi/swift-generated"
rm -rf "$fresh"
mkdir -p "$fresh/BillingCore" "$fresh/include"
"$bindgen_swift" --swift-sources "$lib" "$fresh/BillingCore"
"$bindgen_swift" --headers "$lib" "$fresh/include"
"$bindgen_swift" --modulemap --module-name BillingCoreFFI --modulemap-filename module.modulemap \
    "$lib" "$fresh/include"

swift_sources="$here/Sources/BillingCore"
ffi_include="$here/Sources/BillingCoreFFI/include"
swift_file="$swift_sources/BillingCore.swift"
header="$ffi_include/BillingCoreFFI.h"
modulemap="$ffi_include/module.modulemap"
# generated file -> committed file
pairs=(
    "$fresh/BillingCore/BillingCore.swift" "$swift_file"
    "$fresh/include/BillingCoreFFI.h" "$header"
    "$fresh/include/module.modulemap" "$modulemap"
)
# Only these three files are generated; nothing else may appear beside them.
[[ "$(find "$fresh" -type f | wc -l)" -eq 3 ]] ||
    fail "uniffi-bindgen-swift wrote unexpected files: $(find "$fresh" -type f)"
stale=()
for ((i = 0; i < ${#pairs[@]}; i += 2)); do
    generated="${pairs[i]}" committed="${pairs[i + 1]}"
    [[ -s "$generated" ]] || fail "not generated: $generated"
    if ! cmp -s "$generated" "$committed"; then
        if [[ "${UPDATE_GENERATED:-}" == 1 ]]; then
            mkdir -p "$(dirname "$committed")"
            cp "$generated" "$committed"
            echo "updated: ${committed#"$root"/}"
        else
            stale+=("${committed#"$root"/}")
            diff -u "$committed" "$generated" 2>/dev/null | head -n 20 || true
        fi
    fi
done
if ((${#stale[@]})); then
    fail "stale generated Swift: ${stale[*]}; run: UPDATE_GENERATED=1 bash bindings-swift/test.sh"
fi
echo "fresh: $(wc -l <"$swift_file") lines of Swift, $(wc -l <"$header") lines of C header"

grep -q 'import BillingCoreFFI' "$swift_file" || fail "BillingCore.swift does not import BillingCoreFFI"
grep -q 'typealias Decimal = Foundation.Decimal' "$swift_file" ||
    fail "Decimal is not mapped to Foundation.Decimal (see uniffi.toml)"
if grep -q 'typealias Decimal = String' "$swift_file"; then
    fail "Decimal is a String typealias: it would clash with Foundation.Decimal"
fi
for api in 'enum BillingError: Swift.Error' 'public protocol Clock' 'public func parseIban(' \
    'public func formatMoneyDocument(amount: Decimal)' 'public func todayInKyiv(clock: Clock)' \
    'public func formatMoneyGrouped(amount: Decimal)' 'public func amountInWords(amount: Decimal)' \
    'public func paymentQr(request: PaymentQrRequest)' \
    'public func decodeBillingSection(json: String)throws  -> BillingSection' \
    'public func loadBillingSection(source: BillingSectionSource)async throws  -> BillingSection' \
    'public protocol BillingSectionSource' 'func fetchBillingSectionJson() async throws  -> String' \
    'public struct BillingSection: Equatable, Hashable' 'public var asOf: Date' \
    'public var totalOwed: Decimal' 'public var issuedOn: CalendarDate' \
    'public enum AccessState' 'case paymentDue' 'public enum InvoiceStatus' \
    'public enum LimitState' 'case exceeded' 'public enum NbuQrFormat' \
    'public func checkRequisites(form: RequisitesForm) -> [RequisitesFieldError]' \
    'public struct RequisitesForm: Equatable, Hashable' 'public struct RequisitesFieldError'; do
    grep -qF -- "$api" "$swift_file" || fail "BillingCore.swift lacks: $api"
done
grep -q 'module BillingCoreFFI' "$modulemap" || fail "module.modulemap does not declare BillingCoreFFI"
grep -q 'header "BillingCoreFFI.h"' "$modulemap" || fail "module.modulemap does not name the header"
grep -q 'uniffi_billing_ffi_fn_func_decode_billing_section' "$header" ||
    fail "the header lacks the FFI functions"

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
    step "compile the Swift with $(swiftc --version 2>&1 | head -n 1)"
    swift_out="$target_dir/uniffi/swift"
    rm -rf "$swift_out"
    mkdir -p "$swift_out"
    swiftc -emit-library -emit-module -module-name BillingCore -parse-as-library \
        -Xcc -fmodule-map-file="$modulemap" -I "$ffi_include" \
        -L "$target_dir/debug" -lbilling_ffi \
        "$swift_sources"/*.swift -emit-module-path "$swift_out/BillingCore.swiftmodule" \
        -o "$swift_out/libBillingCore.${lib_file##*.}"
    swiftc -typecheck -module-name BillingScreen -parse-as-library \
        -Xcc -fmodule-map-file="$modulemap" -I "$ffi_include" -I "$swift_out" \
        "$root/examples/swift/BillingScreen.swift"
    echo "compiled: $swift_out/libBillingCore.${lib_file##*.} and examples/swift/BillingScreen.swift"
else
    step "swiftc not found: the generated Swift was checked, not compiled"
fi
