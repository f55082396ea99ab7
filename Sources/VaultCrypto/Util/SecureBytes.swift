internal import COpenSSL

/// Secret bytes (keys, passphrases) held in memory that is wiped with `OPENSSL_cleanse` when the last
/// reference goes away.
///
/// Follows swift-crypto's `SecureBytes`, but immutable once built: nothing can append and leave an
/// unwiped copy behind in a reallocated buffer. `description` never shows the bytes, and `==` is
/// constant time (`CRYPTO_memcmp`).
public struct SecureBytes: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // @unchecked Sendable: the buffer is written only inside `init` before the storage is shared, and is
    // read-only afterwards; `deinit` runs once, after the last reference is gone.
    final class Storage: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let count: Int
        private let capacity: Int

        init(count: Int) {
            self.count = count
            self.capacity = max(count, 1)
            self.pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            pointer.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
        }

        deinit {
            OPENSSL_cleanse(pointer, capacity)
            pointer.deallocate()
        }
    }

    let storage: Storage

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.count == 0 }

    /// Builds the bytes in place, so the secret never exists in an unwiped temporary.
    public init(count: Int, initializingWith body: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        let storage = Storage(count: count)
        try body(UnsafeMutableRawBufferPointer(start: storage.pointer, count: count))
        self.storage = storage
    }

    /// Copies `bytes`. The caller remains responsible for wiping its own copy.
    public init(copying bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        storage = Storage(count: array.count)
        array.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.pointer.copyMemory(from: base, byteCount: source.count) }
        }
    }

    public init(copying buffer: UnsafeRawBufferPointer) {
        storage = Storage(count: buffer.count)
        if let base = buffer.baseAddress { storage.pointer.copyMemory(from: base, byteCount: buffer.count) }
    }

    /// `count` bytes from the CSPRNG.
    public static func random(count: Int) throws -> SecureBytes {
        try SecureBytes(count: count) { buffer in try SystemRandom.fill(buffer) }
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// A new secret holding `range` of this one.
    public func slice(_ range: Range<Int>) -> SecureBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice out of bounds")
        return withUnsafeBytes { SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Copies the secret out. Use only where the bytes must leave (e.g. sealed into a key file) and wipe the copy.
    public func unsafeCopyToArray() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    public var description: String { "SecureBytes(<redacted>, count: \(count))" }
    public var debugDescription: String { description }
}

extension SecureBytes: Equatable {
    /// Constant time in the contents; lengths are not secret.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in constantTimeEquals(l, r) } }
    }
}

/// Compares two buffers in time that depends only on their length (`CRYPTO_memcmp`).
public func constantTimeEquals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard lhs.count > 0, let l = lhs.baseAddress, let r = rhs.baseAddress else { return true }
    return CRYPTO_memcmp(l, r, lhs.count) == 0
}

public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in constantTimeEquals(l, r) } }
}

/// Wipes a buffer with `OPENSSL_cleanse`, which the compiler cannot optimise away.
public func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    OPENSSL_cleanse(base, buffer.count)
}

/// Wipes an array's storage in place (for short-lived copies of secrets that had to be arrays).
public func secureZero(_ array: inout [UInt8]) {
    array.withUnsafeMutableBytes { secureZero($0) }
}
