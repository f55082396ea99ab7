import Foundation
import Hummingbird
import VaultCore

/// `casevault verify` over HTTP: the core's check of the whole vault (database, keys, records against the state
/// ledger, every body's hash, and with `read_data` every chunk decrypted), acting as the session's account, so who may
/// check is the access table's `vault.check` and the `vault.verify` audit event is the CLI's. `--repair` moves files in
/// the vault folder and is an administrator's job on the server's machine, not a request.
extension VaultServer {
    struct VaultVerifyBody: Decodable, Sendable {
        var readData = false
        enum CodingKeys: String, CodingKey { case readData = "read_data" }
        init(from decoder: any Decoder) throws {
            readData = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Bool.self, forKey: .readData) ?? false
        }
        static let shape = "{\"read_data\": false}"
    }

    static func addVaultVerifyRoute(_ routes: RouteTable, sessions: SessionService) {
        routes.add(.post, "/api/v1/vault/verify") { request, _ in
            let body = try await JSONBody.decode(VaultVerifyBody.self, from: request, limit: smallBodyLimit, shape: VaultVerifyBody.shape)
            let report = try await sessions.withVault(request) { vault in try vault.verify(readData: body.readData, repair: false) }
            return try jsonResponse(report)
        }
    }
}
