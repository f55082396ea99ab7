import Foundation
import VaultClient

extension CaseVault.Case.List {
    /// `case list` over the team server: the cases the core lists for the session's account, filtered there as locally
    /// (a client or advocate by name or id), in the local order (open first, then the newest). The server sends no
    /// deadlines yet, so NEXT DEADLINE stays empty and open cases are not ordered by it.
    func runOnServer(_ target: ServerTarget) throws {
        let filters = [("client", filter.client), ("advocate", filter.advocate), ("status", filter.status), ("body", filter.nhsBody)]
            .compactMap { name, value in value.map { (name, $0) } }
        let reply = try JSONValue.decode(try target.api.cases(filters: filters))
        let cases = (reply["cases"]?.array ?? []).sorted { a, b in
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
