import Foundation
import VaultCrypto

/// `advocate confirm` and `identity renew` over the team server.
extension VaultAPI {
    /// The renewal route's answer (openapi.yaml, POST /api/v1/identity/renew).
    public struct Renewed: Decodable, Sendable {
        public let account: String
        public let fingerprint: String
        public let keysRewrapped: Int
        public let organisation: String
        /// The names of those who can confirm the account, and their role ("manager", or "advocate" in an
        /// organisation with no manager).
        public let confirmers: [String]
        public let confirmedBy: String
        public let sessionEnded: Bool

        enum CodingKeys: String, CodingKey {
            case account, fingerprint, organisation, confirmers
            case keysRewrapped = "keys_rewrapped"
            case confirmedBy = "confirmed_by"
            case sessionEnded = "session_ended"
        }
    }

    /// POST /api/v1/accounts/{account}/confirm: the JSON, as `advocate confirm --json` prints it.
    public func confirmAccount(_ account: String, fingerprint: String) throws -> [UInt8] {
        try json(.POST, "/api/v1/accounts/\(Path.segment(account))/confirm", body: Array(try JSONEncoder().encode(["fingerprint": fingerprint])))
    }

    /// POST /api/v1/identity/renew with the new identity's public halves only.
    public func renewIdentity(agreementPublic: X25519.PublicKey, signingPublic: Ed25519.PublicKey) throws -> Renewed {
        let bytes = try json(.POST, "/api/v1/identity/renew", body: Self.renewalBody(agreementPublic: agreementPublic, signingPublic: signingPublic))
        return try decode(Renewed.self, bytes)
    }

    /// The renewal's body, built from the public key types alone: a private key has no way into it.
    public static func renewalBody(agreementPublic: X25519.PublicKey, signingPublic: Ed25519.PublicKey) throws -> [UInt8] {
        Array(try JSONEncoder().encode(["agreement_public": Data(agreementPublic.rawRepresentation).base64EncodedString(),
                                        "signing_public": Data(signingPublic.rawRepresentation).base64EncodedString()]))
    }
}
