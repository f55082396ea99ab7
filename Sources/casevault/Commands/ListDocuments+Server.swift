import Foundation
import VaultClient

extension CaseVault.ListDocuments {
    /// `list --case` over the team server: the same rows from the same core call, in the same table or JSON.
    func runOnServer(_ target: ServerTarget) throws {
        guard let caseID else {
            throw CLIError("'list' without --case is not available over the server yet",
                           hints: ["name the case: casevault list --case CASE ('casevault case list' shows your cases)"])
        }
        guard kinds.isEmpty, from == nil, to == nil else {
            throw CLIError("--kind, --from and --to are not available over the server yet", hints: ["list the whole case: casevault list --case \(caseID)"])
        }
        let reply = try JSONValue.decode(try target.api.documents(caseID: caseID, acknowledging: consent.acknowledged))
        let documents = reply["documents"]?.array ?? []
        if global.json { try global.emitJSON(documents); return }
        let id = reply["case_id"]?.string ?? caseID
        // The table shows the case by its reference, as the local one does.
        let reference = try JSONValue.decode(try target.api.cases())["cases"]?.array?.first { $0["id"]?.string == id }?["reference"]?.string
        Terminal.printOut(Table.render(DocumentTable.header, documents.map { row in
            [row["id"]?.string ?? "", reference ?? id, row["kind"]?.string ?? "", row["document_date"]?.string ?? "",
             row["size"]?.integer.map { String($0) } ?? "", row["name"]?.string ?? ""]
        }))
    }
}
