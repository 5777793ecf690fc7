#!/usr/bin/env bash
# Builds the Swift package's inputs on a Mac (Xcode + rustup); not run on Linux CI:
#   generated/BillingCoreFFI.xcframework   libbilling_ffi.a for iOS, the iOS simulator and macOS, with
#                                          the C header and module map of `BillingCoreFFI`
#   generated/Sources/BillingCore/         BillingCore.swift
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

generated="$here/generated"
work="$generated/xcframework-work"
rm -rf "$generated/BillingCoreFFI.xcframework" "$generated/Sources" "$work"
mkdir -p "$generated/Sources/BillingCore" "$work/headers/BillingCoreFFI" "$work/ios-sim" "$work/macos"

host_lib="$target_dir/$profile_dir/libbilling_ffi.dylib"
bindgen_swift="$target_dir/debug/uniffi-bindgen-swift"

echo "== generate the Swift sources, the header and the module map"
"$bindgen_swift" --swift-sources "$host_lib" "$generated/Sources/BillingCore"
# Headers in a folder named after the module: several xcframeworks can then sit in one app without
# their module.modulemap files colliding.
"$bindgen_swift" --headers "$host_lib" "$work/headers/BillingCoreFFI"
"$bindgen_swift" --modulemap --module-name BillingCoreFFI --modulemap-filename module.modulemap \
    "$host_lib" "$work/headers/BillingCoreFFI"

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

echo "built: $generated/BillingCoreFFI.xcframework and $generated/Sources/BillingCore/BillingCore.swift"
echo "next: (cd $here && swift build)"
