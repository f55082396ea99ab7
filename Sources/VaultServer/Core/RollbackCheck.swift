import Foundation
import Logging
import VaultCore

/// At start, before anyone logs in: a database restored to a state older than the one this server last served (a
/// backup put back, a standby that missed the last transactions, rows deleted) is refused, as the CLI refuses a vault
/// folder older than its mark. The server holds no vault key until a login, so only the mark's head is compared here
/// (`StateMarks.checkWithoutKeys`); every request then checks the signed mark in full.
extension VaultServer {
    static func checkRollbackMark(_ marks: StateMarks, gateway: VaultGateway, config: ServerConfig, logger: Logger) throws {
        let stateHome = (marks.directory as NSString).deletingLastPathComponent
        let acceptance = "if the database was restored on purpose, an administrator accepts it once, recorded in the vault's audit log with "
            + "their reason, on this machine as the server's account: XDG_STATE_HOME=\(stateHome) casevault --vault \(config.vault) "
            + "--accept-older-state \"REASON\" audit verify; then start the server again"
        do {
            try marks.checkWithoutKeys(paths: gateway.paths, info: gateway.info)
        } catch VaultError.olderState(let markTime, let markSequence, let vaultSequence) {
            logger.error("refusing to start: the database is older than the one this server last served",
                         metadata: ["mark_sequence": "\(markSequence)", "database_sequence": "\(vaultSequence)"])
            throw ServerError.vault("the vault's database is older than the one this server last served on \(markTime): it may have been "
                                    + "restored from an older backup, or its newest records deleted (its audit log ends at record \(vaultSequence); "
                                    + "this server last saw record \(markSequence)); the server did not start. If another copy of the database is "
                                    + "newer, put that one back; \(acceptance)")
        } catch VaultError.stateMarkInvalid(let path) {
            throw ServerError.vault("the server's rollback mark \(path) does not decode or names another vault; the server did not start. "
                                    + "Someone may have edited it; \(acceptance)")
        }
    }
}
