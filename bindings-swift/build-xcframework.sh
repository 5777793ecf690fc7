#!/usr/bin/env bash
# Builds the Swift package's binary input on a Mac (Xcode + rustup); not run on Linux CI:
#   generated/BillingCoreFFI.xcframework   libbilling_ffi.a for iOS, the iOS simulator and macOS, with
#                                          the C header and module map of `BillingCoreFFI`
# and regenerates the committed Swift layout from the same library:
#   Sources/BillingCore/BillingCore.swift, Sources/BillingCoreFFI/include/{BillingCoreFFI.h,module.modulemap}
# (identical to what bindings-swift/test.sh checks on Linux; `git status` shows them if they were stale).
# Then `swift build` (or Xcode) uses Package.swift as is.
#
# PROFILE=release (default) or dev. Needs network only for `rustup target add`.
set -euo pipefail
export RUST_BACKTRACE=0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

[[ "$(uname -s)" == Darwin ]] || {
    echo "build-xcframework.sh: needs macOS with Xcode (xcodebuild, lipo)" >&2
    exit 1
}

profile="${PROFILE:-release}"
profile_dir="$profile"
[[ "$profile" == dev ]] && profile_dir=debug
target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

ios=aarch64-apple-ios
ios_sim=(aarch64-apple-ios-sim x86_64-apple-ios)
macos=(aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "$ios" "${ios_sim[@]}" "${macos[@]}"

echo "== cargo build ($profile) for the Apple targets"
for target in "$ios" "${ios_sim[@]}" "${macos[@]}"; do
    cargo build -p billing-core-swift --lib --profile "$profile" --target "$target"
done
# The host library (its metadata drives the generators) and the generators themselves.
cargo build -p billing-core-swift --lib --profile "$profile"
cargo build -p uniffi-bindgen

host_lib="$target_dir/$profile_dir/libbilling_ffi.dylib"
bindgen_swift="$target_dir/debug/uniffi-bindgen-swift"
swift_sources="$here/Sources/BillingCore"
ffi_include="$here/Sources/BillingCoreFFI/include"

echo "== generate the Swift sources, the header and the module map (committed files)"
mkdir -p "$swift_sources" "$ffi_include"
"$bindgen_swift" --swift-sources "$host_lib" "$swift_sources"
"$bindgen_swift" --headers "$host_lib" "$ffi_include"
"$bindgen_swift" --modulemap --module-name BillingCoreFFI --modulemap-filename module.modulemap \
    "$host_lib" "$ffi_include"
if command -v git >/dev/null && ! git diff --quiet -- "$here/Sources"; then
    echo "note: the committed generated Swift changed; commit bindings-swift/Sources:" >&2
    git status --short -- "$here/Sources" >&2
fi

generated="$here/generated"
work="$generated/xcframework-work"
rm -rf "$generated/BillingCoreFFI.xcframework" "$work"
mkdir -p "$work/headers/BillingCoreFFI" "$work/ios-sim" "$work/macos"
# Headers in a folder named after the module: several xcframeworks can then sit in one app without
# their module.modulemap files colliding (clang finds <search path>/BillingCoreFFI/module.modulemap).
cp "$ffi_include/BillingCoreFFI.h" "$ffi_include/module.modulemap" "$work/headers/BillingCoreFFI/"

echo "== lipo: one library per platform"
lib() { echo "$target_dir/$1/$profile_dir/libbilling_ffi.a"; }
lipo -create "$(lib "${ios_sim[0]}")" "$(lib "${ios_sim[1]}")" -output "$work/ios-sim/libbilling_ffi.a"
lipo -create "$(lib "${macos[0]}")" "$(lib "${macos[1]}")" -output "$work/macos/libbilling_ffi.a"

echo "== xcodebuild -create-xcframework"
xcodebuild -create-xcframework \
    -library "$(lib "$ios")" -headers "$work/headers" \
    -library "$work/ios-sim/libbilling_ffi.a" -headers "$work/headers" \
    -library "$work/macos/libbilling_ffi.a" -headers "$work/headers" \
    -output "$generated/BillingCoreFFI.xcframework"
rm -rf "$work"

echo "built: $generated/BillingCoreFFI.xcframework"
echo "next: (cd $here && swift build), or add the package to the app in Xcode"
