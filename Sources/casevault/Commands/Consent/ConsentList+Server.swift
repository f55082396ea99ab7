import Foundation
import VaultClient

extension CaseVault.ConsentCommand.List {
    /// `consent list --json` over the team server: the records as the core lists them. The table needs people's names
    /// and each record's status on today's date, which the route does not send yet, so only `--json` is offered.
    func runOnServer(_ target: ServerTarget) throws {
        guard global.json else {
            throw CLIError("over the server only 'consent list --json' is available yet (the table needs names the server does not send)",
                           hints: ["run: casevault consent list --case \(caseID) --json"])
        }
        let reply = try JSONValue.decode(try target.api.consents(caseID: caseID))
        try global.emitJSON(reply["consents"] ?? .array([]))
    }
}
