import Foundation
import VaultCrypto

/// How this process holds the vault's keys (SECURITY.md, "Identities").
public enum VaultUnlock: Sendable {
    /// A vault of an earlier release: one key file whose master keys open every data key. Read until `migrate` turns
    /// the vault into one with identities.
    case keyFile(KeyFile, UnlockedKeys)
    /// One person's identity: it opens only the data keys wrapped to it (its cases, the vault's directory key), and
    /// the account acting is the identity's account.
    case identity(IdentityFile, UnlockedIdentity)
    /// One person's identity unlocked at a team server's login and held only for their session (issue 21): the same
    /// keys and rules as `.identity`, with no identity file on the server's machine.
    case session(UnlockedIdentity)

    public var keyFile: KeyFile? { if case .keyFile(let file, _) = self { file } else { nil } }
    public var keys: UnlockedKeys? { if case .keyFile(_, let keys) = self { keys } else { nil } }
    public var identity: UnlockedIdentity? {
        switch self {
        case .keyFile: nil
        case .identity(_, let identity), .session(let identity): identity
        }
    }
    public var identityFile: IdentityFile? { if case .identity(let file, _) = self { file } else { nil } }
}

/// A holder of wrapped keys: an account's identity, or an organisation's recovery key (whose private half exists only
/// as trustees' shares).
public struct KeyRecipient: Sendable, Equatable {
    public enum Kind: String, Sendable { case identity, recovery }
    public let kind: Kind
    /// The account id (identity) or organisation id (recovery).
    public let id: String
    public let publicKey: X25519.PublicKey

    public init(kind: Kind, id: String, publicKey: X25519.PublicKey) {
        self.kind = kind
        self.id = id
        self.publicKey = publicKey
    }
}

/// The secrets every member of a vault uses, whatever their cases: the audit log's MAC key and the vault's signing key
/// (checkpoints, bundles). A key file holds them in a vault of an earlier release; with identities they are data keys
/// wrapped to each account (scopes `vault-audit` and `vault-signing`).
struct VaultSecrets: Sendable {
    let auditKey: SecureBytes
    let signingKey: Ed25519.PrivateKey
}
