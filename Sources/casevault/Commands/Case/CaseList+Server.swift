import Foundation
import VaultClient

extension CaseVault.Case.List {
    /// `case list` over the team server: the cases the core lists for the session's account, in the local order (open
    /// first, then the newest). The server sends no deadlines yet, so NEXT DEADLINE stays empty and open cases are not
    /// ordered by it.
    func runOnServer(_ target: ServerTarget) throws {
        guard client == nil, advocate == nil else {
            throw CLIError("--client and --advocate are not available over the server yet",
                           hints: ["filter with --status or --body, or list every case and look for the client's name"])
        }
        let reply = try JSONValue.decode(try target.api.cases())
        let cases = (reply["cases"]?.array ?? []).filter { view in
            (status.map { $0 == view["status"]?.string } ?? true) && (body.map { $0 == view["nhs_body"]?.string } ?? true)
        }.sorted { a, b in
            let (aOpen, bOpen) = (a["status"]?.string == "open", b["status"]?.string == "open")
            if aOpen != bOpen { return aOpen }
            let (aOpened, bOpened) = (a["opened_at"]?.string ?? "", b["opened_at"]?.string ?? "")
            return aOpened == bOpened ? (a["id"]?.string ?? "") < (b["id"]?.string ?? "") : aOpened > bOpened
        }
        if global.json { try global.emitJSON(cases); return }
        let rows: [[String]] = cases.map { view in
            [view["id"]?.string ?? "", view["reference"]?.string ?? "-", view["status"]?.string ?? "", view["client_name"]?.string ?? "",
             view["nhs_body"]?.string ?? "", (view["advocate_names"]?.strings ?? []).joined(separator: ", "),
             view["documents"]?.integer.map { String($0) } ?? "", String((view["opened_at"]?.string ?? "").prefix(10)), ""]
        }
        Terminal.printOut(Table.render(Self.header, rows))
    }
}
