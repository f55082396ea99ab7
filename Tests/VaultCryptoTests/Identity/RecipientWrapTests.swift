import XCTest
@testable import VaultCrypto

/// Wrapping a key to one person's X25519 key: only their identity opens it, and only in the slot it was made for.
final class RecipientWrapTests: XCTestCase {
    let context = Array("casevault/data-key/v2\0vault\0case:c1\01\0adv-1".utf8)

    func testOnlyTheRecipientOpensItAndOnlyInItsSlot() throws {
        let alice = try X25519.PrivateKey.generate(), bob = try X25519.PrivateKey.generate()
        let key = try SecureBytes.random(count: 32)
        let wrapped = try RecipientWrap.wrap(key, to: alice.publicKey, context: context)
        XCTAssertEqual(wrapped.count, RecipientWrap.overhead + 32)
        XCTAssertEqual(try RecipientWrap.unwrap(wrapped, with: alice, context: context), key)
        XCTAssertThrowsError(try RecipientWrap.unwrap(wrapped, with: bob, context: context)) {
            XCTAssertEqual($0 as? RecipientWrapError, .cannotOpen)
        }
        var otherSlot = context
        otherSlot[otherSlot.count - 1] ^= 1
        XCTAssertThrowsError(try RecipientWrap.unwrap(wrapped, with: alice, context: otherSlot))
        // Two wraps of the same key differ (fresh ephemeral key): a wrapper says nothing about which key it holds.
        XCTAssertNotEqual(try RecipientWrap.wrap(key, to: alice.publicKey, context: context), wrapped)
    }

    func testEveryChangedByteIsRefused() throws {
        let alice = try X25519.PrivateKey.generate()
        let wrapped = try RecipientWrap.wrap(try SecureBytes.random(count: 32), to: alice.publicKey, context: context)
        for index in wrapped.indices {
            var changed = wrapped
            changed[index] ^= 0x40
            XCTAssertThrowsError(try RecipientWrap.unwrap(changed, with: alice, context: context), "byte \(index)")
        }
        XCTAssertThrowsError(try RecipientWrap.unwrap(Array(wrapped.dropLast()), with: alice, context: context))
        XCTAssertThrowsError(try RecipientWrap.unwrap(Array(wrapped.prefix(RecipientWrap.overhead - 1)), with: alice, context: context)) {
            XCTAssertEqual($0 as? RecipientWrapError, .malformed)
        }
    }

    /// A wrapper whose ephemeral key is a low-order point gives an all-zero shared secret: refused, not "opened" under
    /// a key anyone can compute (RFC 7748 §6.1).
    func testLowOrderEphemeralKeyIsRefused() throws {
        let alice = try X25519.PrivateKey.generate()
        var wrapped = try RecipientWrap.wrap(try SecureBytes.random(count: 32), to: alice.publicKey, context: context)
        let lowOrder: [UInt8] = [0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
                                 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00]
        wrapped.replaceSubrange(1..<33, with: lowOrder)
        XCTAssertThrowsError(try RecipientWrap.unwrap(wrapped, with: alice, context: context)) {
            XCTAssertEqual($0 as? RecipientWrapError, .cannotOpen)
        }
    }

    /// The key-encryption key is HKDF-SHA-256 over the X25519 secret with both public keys as salt: recomputed here
    /// from the parts, so a change to the construction (salt, info, order) fails this test.
    func testTheConstructionIsTheDocumentedOne() throws {
        let alice = try X25519.PrivateKey.generate()
        let key = try SecureBytes.random(count: 32)
        let wrapped = try RecipientWrap.wrap(key, to: alice.publicKey, context: context)
        XCTAssertEqual(wrapped[0], 1)
        let ephemeral = try X25519.PublicKey(rawRepresentation: Array(wrapped[1..<33]))
        let kek = try HKDF.deriveKey(.sha256, inputKeyMaterial: try alice.sharedSecret(with: ephemeral),
                                     salt: ephemeral.rawRepresentation + alice.publicKey.rawRepresentation,
                                     info: Array("casevault/recipient-wrap/v1".utf8), outputCount: 32)
        let opened = try AESGCM.openSecret(try AESGCM.SealedBox(combined: Array(wrapped[33...])), key: kek, authenticating: context)
        XCTAssertEqual(opened, key)
    }
}
