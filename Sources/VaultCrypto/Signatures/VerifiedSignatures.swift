import Synchronization

/// The signatures this process has found valid, so that one checked again is not verified again (an Ed25519
/// verification costs two scalar multiplications; a team server checks the newest checkpoint's signature on every
/// request, and it changes only when someone writes).
///
/// Only a verification that succeeded is remembered, keyed by SHA-256 over the public key, the signature and the
/// message (each length-prefixed): a hit means those exact bytes verified before, and Ed25519 verification is a pure
/// function of them, so the answer cannot differ. A failed check is never remembered and always verified afresh. The
/// memory is bounded; the oldest entries go first.
final class VerifiedSignatures: Sendable {
    static let shared = VerifiedSignatures(capacity: 4096)

    private struct State {
        var members: Set<[UInt8]> = []
        var order: [[UInt8]] = []
        var next = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Nil if hashing fails (the caller then simply verifies).
    func fingerprint(publicKey: [UInt8], signature: [UInt8], message: [UInt8]) -> [UInt8]? {
        guard let hash = try? StreamingHash(.sha256) else { return nil }
        for part in [publicKey, signature, message] {
            let length = withUnsafeBytes(of: UInt64(part.count).bigEndian) { Array($0) }
            guard (try? hash.update(length)) != nil, (try? hash.update(part)) != nil else { return nil }
        }
        return try? hash.finalize()
    }

    func contains(_ fingerprint: [UInt8]) -> Bool {
        state.withLock { $0.members.contains(fingerprint) }
    }

    func insert(_ fingerprint: [UInt8]) {
        state.withLock { state in
            guard !state.members.contains(fingerprint) else { return }
            if state.order.count < capacity {
                state.order.append(fingerprint)
            } else {
                state.members.remove(state.order[state.next])
                state.order[state.next] = fingerprint
                state.next = (state.next + 1) % capacity
            }
            state.members.insert(fingerprint)
        }
    }

    var count: Int { state.withLock { $0.members.count } }
}
