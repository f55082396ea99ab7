import Foundation

/// A report as `verify --json` and the server's `POST /api/v1/vault/verify` write it, read back: the CLI prints a
/// report the server made with the same code as one it made itself.
extension Vault.VerifyReport: Decodable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        problems = try c.decode([Vault.VerifyProblem].self, forKey: .problems)
        orphans = try c.decode([String].self, forKey: .orphans)
        quarantined = try c.decodeIfPresent([String].self, forKey: .quarantined) ?? []
        documentsChecked = try c.decode(Int.self, forKey: .documentsChecked)
        wrappedKeysChecked = try c.decode(Int.self, forKey: .wrappedKeysChecked)
        fieldsChecked = try c.decode(Int.self, forKey: .fieldsChecked)
        bytesDecrypted = try c.decode(Int64.self, forKey: .bytesDecrypted)
        documentsCheckedWithoutKey = try c.decodeIfPresent(Int.self, forKey: .documentsCheckedWithoutKey) ?? 0
        readData = try c.decodeIfPresent(Bool.self, forKey: .readData) ?? false
    }
}
