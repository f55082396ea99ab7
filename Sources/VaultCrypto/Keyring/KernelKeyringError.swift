/// Why the kernel keyring could not keep or give back a secret. Names the description (chosen by the
/// caller, not secret) and never the secret.
public enum KernelKeyringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key was there but its timeout has passed (the kernel keeps it, unreadable, until it is
    /// collected a few minutes later).
    case expired(description: String)
    /// This kernel or sandbox does not offer keyrings to this process (ENOSYS, EPERM, EACCES): prompt for
    /// the passphrase instead.
    case unavailable(errno: Int32)
    /// A timeout of 0 would keep the key until logout; at least 1 second is required.
    case invalidTimeout
    /// The kernel refused for another reason (quota, memory, a too long secret).
    case failed(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .expired(let description):
            "the unlocked key \"\(description)\" has expired; unlock again"
        case .unavailable(let code):
            "the kernel keyring is not available to this process (\(Self.errnoText(code))); "
                + "the passphrase will be needed for each command"
        case .invalidTimeout:
            "an unlock needs a timeout of at least 1 second"
        case .failed(let operation, let code):
            "the kernel keyring refused \(operation) (\(Self.errnoText(code)))"
        }
    }

    private static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
