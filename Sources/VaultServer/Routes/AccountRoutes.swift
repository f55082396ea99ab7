import Foundation
import Hummingbird
import VaultCrypto
import VaultCore

/// A newcomer's `identity renew` and a manager's `advocate confirm` over HTTP: the same core calls, acting as the
/// session's account, so who may, the fingerprint check and the audit events (`account.reissue_identity` by the holder,
/// `account.confirm`) are the CLI's.
extension VaultServer {
    struct ConfirmBody: Decodable {
        static let shape = #"{"fingerprint": "the fingerprint the person read out from 'casevault identity show'"}"#
        let fingerprint: String
    }

    /// The new identity's public halves, base64. The person's computer made the key pairs and keeps the private
    /// halves: a body with any other field is refused unread, so nothing secret is ever taken in by mistake.
    struct RenewBody: Decodable {
        static let shape = #"{"agreement_public": "base64 of the new X25519 public key", "signing_public": "base64 of the new Ed25519 public key"}"#
        static let fields: Set<String> = ["agreement_public", "signing_public"]
        let agreementPublic: X25519.PublicKey
        let signingPublic: Ed25519.PublicKey

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: JSONBody.AnyKey.self)
            let extra = container.allKeys.map(\.stringValue).filter { !Self.fields.contains($0) }.sorted()
            guard extra.isEmpty else {
                throw JSONBody.FieldError(text: "only the new public keys are sent (\(Self.fields.sorted().joined(separator: ", "))), "
                                          + "not \(extra.joined(separator: ", ")): private keys never leave the person's computer")
            }
            func key(_ field: String) throws -> [UInt8] {
                let text = try container.decode(String.self, forKey: JSONBody.AnyKey(field))
                guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                    throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [JSONBody.AnyKey(field)],
                                                            debugDescription: "not a 32-byte public key in base64"))
                }
                return Array(bytes)
            }
            do {
                agreementPublic = try X25519.PublicKey(rawRepresentation: try key("agreement_public"))
                signingPublic = try Ed25519.PublicKey(rawRepresentation: try key("signing_public"))
            } catch let error as DecodingError {
                throw error
            } catch {
                throw JSONBody.FieldError(text: "the public keys given are not usable keys")
            }
        }
    }

    /// The renewal's answer. The session held the identity the renewal replaced, so it has ended: the person logs
    /// in again with the new identity file.
    struct RenewReply: Encodable {
        let account: String
        let fingerprint: String
        let keysRewrapped: Int
        let organisation: String
        let confirmers: [String]
        let confirmedBy: String
        let sessionEnded: Bool

        init(_ renewed: Vault.RenewedKeys) {
            account = renewed.accountID
            fingerprint = renewed.fingerprint
            keysRewrapped = renewed.keysRewrapped
            organisation = renewed.confirmers.organisation
            confirmers = renewed.confirmers.names
            confirmedBy = renewed.confirmers.role.rawValue
            sessionEnded = true
        }

        enum CodingKeys: String, CodingKey {
            case account, fingerprint, organisation, confirmers
            case keysRewrapped = "keys_rewrapped"
            case confirmedBy = "confirmed_by"
            case sessionEnded = "session_ended"
        }
    }

    static func addAccountRoutes(_ routes: RouteTable, sessions: SessionService) {
        // `advocate confirm NAME --fingerprint F`: the account by name or id, as the CLI takes it.
        routes.add(.post, "/api/v1/accounts/{account}/confirm") { request, context in
            let text = try context.parameters.require("account")
            let body = try await JSONBody.decode(ConfirmBody.self, from: request, limit: smallBodyLimit, shape: ConfirmBody.shape)
            let confirmed = try await sessions.withVault(request) { vault in
                try vault.confirmAccount(try vault.accountID(text), fingerprint: body.fingerprint)
            }
            return try jsonResponse(confirmed)
        }
        // `identity renew`: the core opens every key of the account with the session's identity (the old one) and
        // wraps it to the new public key, in one transaction.
        routes.add(.post, "/api/v1/identity/renew") { request, _ in
            let session = try await sessions.session(for: request)
            let body = try await JSONBody.decode(RenewBody.self, from: request, limit: smallBodyLimit, shape: RenewBody.shape)
            let renewed = try await sessions.withVault(session) { vault in
                try vault.renewOwnIdentity(agreementPublic: body.agreementPublic, signingPublic: body.signingPublic)
            }
            // Every session of the account holds the replaced identity, which opens nothing now: ended here rather
            // than left to fail on their next request.
            try await sessions.endAll(accountID: session.row.accountID)
            return try jsonResponse(RenewReply(renewed))
        }
    }
}
