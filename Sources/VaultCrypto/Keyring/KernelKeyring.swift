internal import CProcessShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The keyring's errno values exist only in Linux headers; elsewhere the shim answers ENOSYS to everything.
#if os(Linux)
private let noKey = ENOKEY, keyExpired = EKEYEXPIRED, keyRevoked = EKEYREVOKED
#else
private let noKey: Int32 = 126, keyExpired: Int32 = 127, keyRevoked: Int32 = 128
#endif

/// Secrets kept for a while in the Linux kernel's session keyring, so that later commands of the same
/// login session need no passphrase (`casevault unlock`), without the secret ever touching the disk.
///
/// Each secret is a "user" key in the session keyring, with a timeout after which the kernel refuses to
/// read it, and permissions for its possessor only: processes that reach it through this session keyring
/// (the login's commands) can read it; other sessions of the same account, other accounts and the
/// key's owner outside the session cannot, and no one can link it elsewhere. Root can still read
/// kernel memory, as with any secret in memory.
///
/// The system calls are made directly through CProcessShims (no libkeyutils), so nothing beyond the
/// kernel is needed; a kernel or sandbox that refuses them gives `.unavailable`.
public enum KernelKeyring {
    /// Keeps `secret` under `description` for `timeoutSeconds`, replacing any secret already there.
    /// If the timeout or the permissions cannot be set, the key is destroyed again and the error thrown:
    /// a secret is never left without its expiry.
    public static func store(description: String, secret: SecureBytes, timeoutSeconds: UInt32) throws(KernelKeyringError) {
        guard timeoutSeconds > 0 else { throw .invalidTimeout }
        let serial = secret.withUnsafeBytes { bytes in
            CProcessShims_keyAdd(description, bytes.baseAddress, bytes.count)
        }
        guard serial >= 0 else { throw error(-serial, "adding the key", description: description) }
        var rc = CProcessShims_keySetTimeout(serial, timeoutSeconds)
        if rc == 0 { rc = CProcessShims_keyRestrictToPossessor(serial) }
        guard rc == 0 else {
            _ = destroy(serial)
            throw error(-rc, "setting the key's timeout and permissions", description: description)
        }
    }

    /// The secret kept under `description`, or nil when there is none (never stored, removed, or
    /// expired long enough ago to have been collected). Throws `.expired` while the kernel still
    /// remembers an expired key, so the caller can say that the unlock ran out.
    public static func read(description: String) throws(KernelKeyringError) -> SecureBytes? {
        let serial = CProcessShims_keySearch(description)
        if serial == -noKey || serial == -keyRevoked { return nil }
        guard serial >= 0 else { throw error(-serial, "finding the key", description: description) }
        // The payload's length first, then a read straight into wiped-on-release memory; if the key was
        // replaced in between with a longer one, the length read back differs and we try again.
        for _ in 0..<3 {
            let length = CProcessShims_keyRead(serial, nil, 0)
            guard length >= 0 else { throw error(Int32(-length), "reading the key", description: description) }
            var actual = 0
            let secret = SecureBytes(count: Int(length)) { buffer in
                actual = CProcessShims_keyRead(serial, buffer.baseAddress, buffer.count)
            }
            if actual == -Int(noKey) || actual == -Int(keyRevoked) { return nil }
            guard actual >= 0 else { throw error(Int32(-actual), "reading the key", description: description) }
            if actual == length { return secret }
        }
        throw .failed(operation: "reading the key (it kept changing)", errno: EAGAIN)
    }

    /// Destroys the secret kept under `description`, expired or not. Returns whether there was one.
    @discardableResult
    public static func remove(description: String) throws(KernelKeyringError) -> Bool {
        var serial = CProcessShims_keySearch(description)
        if serial == -noKey || serial == -keyRevoked { return false }
        if serial == -keyExpired {
            // An expired key cannot be found by search, but adding a key of the same description updates
            // it in place and returns its serial: overwrite it with one zero byte, then destroy it.
            let placeholder: [UInt8] = [0]
            serial = placeholder.withUnsafeBytes { CProcessShims_keyAdd(description, $0.baseAddress, $0.count) }
        }
        guard serial >= 0 else { throw error(-serial, "finding the key", description: description) }
        let rc = destroy(serial)
        guard rc == 0 || rc == -noKey else { throw error(-rc, "removing the key", description: description) }
        return true
    }

    /// Invalidates, or on kernels without KEYCTL_INVALIDATE (before 3.5) unlinks from the session keyring.
    private static func destroy(_ serial: Int32) -> Int32 {
        let rc = CProcessShims_keyInvalidate(serial)
        if rc == -EOPNOTSUPP || rc == -EINVAL { return CProcessShims_keyUnlink(serial) }
        return rc
    }

    private static func error(_ code: Int32, _ operation: String, description: String) -> KernelKeyringError {
        switch code {
        case ENOSYS, EPERM, EACCES: .unavailable(errno: code)
        case keyExpired: .expired(description: description)
        default: .failed(operation: operation, errno: code)
        }
    }
}
