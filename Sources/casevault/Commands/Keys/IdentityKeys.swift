import Foundation
import VaultCrypto
import VaultCore

/// `keys show` in a vault with identities: whose identity this is, its public keys' fingerprints, and the vault's
/// signing key (to check bundles and checkpoints without any secret). Never key bytes.
enum IdentityKeys {
    struct Report: Encodable {
        let vaultID: String
        let identityFile: String
        let account: String
        let passphraseKDF: String?
        let identity: IdentityRow
        let signingKey: CaseVault.Keys.SigningKeyRow

        enum CodingKeys: String, CodingKey {
            case account, identity
            case vaultID = "vault_id"
            case identityFile = "identity_file"
            case passphraseKDF = "passphrase_kdf"
            case signingKey = "signing_key"
        }
    }

    struct IdentityRow: Encodable {
        let createdAt: String
        let agreementFingerprint: String
        let signingFingerprint: String

        enum CodingKeys: String, CodingKey {
            case createdAt = "created_at"
            case agreementFingerprint = "agreement_fingerprint"
            case signingFingerprint = "signing_fingerprint"
        }
    }

    static func fingerprint(_ bytes: [UInt8]) throws -> String {
        UnlockedKeys.formatFingerprint(Array(try HashFunction.sha256.hash(bytes).prefix(8)))
    }

    static func show(_ opened: OpenedVault, global: GlobalOptions) throws {
        guard let file = opened.unlock.identityFile, let identity = opened.unlock.identity else { return }
        let vault = try Vault(opened, actor: global.advocate, stateMarks: global.stateMarks)
        let signingPublic = vault.signingPublicKey.rawRepresentation
        let report = Report(
            vaultID: opened.info.vaultID, identityFile: opened.paths.keyFile, account: identity.accountID,
            passphraseKDF: file.passphrase.map { "scrypt N=2^\($0.log2N) r=\($0.r) p=\($0.p)" },
            identity: IdentityRow(createdAt: file.createdAt,
                                  agreementFingerprint: try fingerprint(identity.agreementKey.publicKey.rawRepresentation),
                                  signingFingerprint: try fingerprint(identity.signingKey.publicKey.rawRepresentation)),
            signingKey: .init(algorithm: "ed25519", createdAt: opened.info.createdAt, fingerprint: try fingerprint(signingPublic),
                              publicKey: Data(signingPublic).base64EncodedString()))
        if global.json { return try global.emitJSON(report) }
        Terminal.printOut("Vault \(report.vaultID)")
        Terminal.printOut("Identity file \(report.identityFile) (\(report.passphraseKDF.map { "passphrase-protected, \($0)" } ?? "no passphrase"))")
        Terminal.printOut("")
        Terminal.printOut("YOUR IDENTITY (account \(report.account), created \(report.identity.createdAt))")
        Terminal.printOut("key agreement (case keys are wrapped to it)  fingerprint \(report.identity.agreementFingerprint)")
        Terminal.printOut("signing                                      fingerprint \(report.identity.signingFingerprint)")
        Terminal.printOut("")
        Terminal.printOut("VAULT SIGNING KEY (bundles, audit checkpoints)")
        Terminal.printOut("ed25519, fingerprint \(report.signingKey.fingerprint)")
        Terminal.printOut("public key \(report.signingKey.publicKey)")
    }
}
