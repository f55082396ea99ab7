import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Keys {
    struct MasterKeyRow: Encodable {
        let version: Int
        let status: String
        let createdAt: String
        let fingerprint: String?
        let current: Bool
        let protection: String?
        let destroyedAt: String?
        enum CodingKeys: String, CodingKey {
            case version, status, fingerprint, current, protection
            case createdAt = "created_at"
            case destroyedAt = "destroyed_at"
        }
    }

    struct SigningKeyRow: Encodable {
        let algorithm: String
        let createdAt: String
        let fingerprint: String
        let publicKey: String
        enum CodingKeys: String, CodingKey {
            case algorithm, fingerprint
            case createdAt = "created_at"
            case publicKey = "public_key"
        }
    }

    struct AuditKeyRow: Encodable {
        let algorithm: String
        let createdAt: String
        let protection: String
        enum CodingKeys: String, CodingKey {
            case algorithm, protection
            case createdAt = "created_at"
        }
    }

    struct KeysReport: Encodable {
        let vaultID: String
        let keyFile: String
        let passphraseKDF: String?
        let masterKeys: [MasterKeyRow]
        let auditKey: AuditKeyRow?
        let signingKey: SigningKeyRow
        enum CodingKeys: String, CodingKey {
            case vaultID = "vault_id"
            case keyFile = "key_file"
            case passphraseKDF = "passphrase_kdf"
            case masterKeys = "master_keys"
            case auditKey = "audit_key"
            case signingKey = "signing_key"
        }
    }
}
