// Hand-written, not generated: conveniences over the generated `BillingError` (BillingCore.swift).
// No billing rules here; those live in Rust.
import Foundation

extension BillingError {
    /// The stable dotted code (`edrpou.checksum`, `section.schema`, `ffi.callback_failed`, ...),
    /// whatever the case: branch on it, never on the message.
    public var code: String {
        switch self {
        case .InvalidInput(let code, _), .Refused(let code, _), .Unexpected(let code, _):
            return code
        }
    }

    /// The core's message, unchanged: for people and logs, never parsed.
    public var message: String {
        switch self {
        case .InvalidInput(_, let message), .Refused(_, let message), .Unexpected(_, let message):
            return message
        }
    }

    /// Whether the input was at fault (the owner can fix it), as opposed to a refusal or a failure.
    public var isInvalidInput: Bool {
        if case .InvalidInput = self { return true }
        return false
    }
}
