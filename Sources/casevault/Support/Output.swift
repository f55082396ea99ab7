import Foundation
import VaultCore

/// Plain-text tables for people; `--json` for scripts.
enum Table {
    static func render(_ header: [String], _ unescapedRows: [[String]]) -> String {
        // Cells are stored text: a line break or an escape sequence in one must not break the table.
        let rows = unescapedRows.map { $0.map { Terminal.escaped($0) } }
        var widths = header.map(width)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], width(cell)) }
        }
        // One string, appended to: a listing of 100 000 documents is 600 000 cells.
        var out = ""
        out.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 1))
        let pads = (0...((widths.max() ?? 0) + 2)).map { String(repeating: " ", count: $0) }
        func line(_ cells: [String]) {
            for (index, cell) in cells.enumerated() {
                out += cell
                if index < cells.count - 1 { out += pads[widths[index] - width(cell) + 2] }
            }
        }
        line(header)
        for row in rows {
            out += "\n"
            line(row)
        }
        return out
    }

    /// Characters a cell takes on screen: its bytes when it is ASCII (an escaped cell holds no CR LF pair, the one
    /// ASCII sequence that is a single character), else its characters.
    private static func width(_ cell: String) -> Int {
        cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count
    }
}

extension Terminal {
    /// `label   value` lines for a `show` command; absent values are left out.
    static func printFields(_ fields: [(String, String?)]) {
        let width = (fields.map(\.0.count).max() ?? 0) + 2
        for (label, value) in fields {
            if let value { printOut(label.padding(toLength: width, withPad: " ", startingAt: 0) + escaped(value)) }
        }
    }
}

struct CreatedID: Encodable {
    let id: String
}

extension GlobalOptions {
    /// Opens the vault with its database and blobs, acting as `--as`.
    func openStore(acceptOlderState: OlderStateAcceptance? = nil) throws -> Vault {
        let vault = try Vault(try openVault(), actor: advocate, stateMarks: stateMarks,
                              acceptOlderState: acceptOlderState ?? olderStateAcceptance)
        vault.onConsentWarning = ConsentGate.show
        if let accepted = vault.acceptedOlderState { Terminal.printError("casevault: note: " + Self.describe(accepted)) }
        return vault
    }

    static func describe(_ accepted: AcceptedOlderState) -> String {
        let was = accepted.mark.map { "it was behind the state last used on \($0.time) (audit record \($0.sequence))" }
            ?? "the record of its newest state was unreadable"
        return "accepted this vault as it is (audit record \(accepted.vaultSequence)): \(was); "
            + "this is recorded in the audit log and this vault is now the newest state"
    }

    /// Runs `body` on the open vault, then seals what it recorded with a signed audit checkpoint.
    func withVault<T>(acceptOlderState: OlderStateAcceptance? = nil, _ body: (Vault) throws -> T) throws -> T {
        let vault = try openStore(acceptOlderState: acceptOlderState)
        defer { finish(vault) }
        return try body(vault)
    }

    /// Ends a command: if it wrote audit events, a signed checkpoint of the chain's head is stored.
    func finish(_ vault: Vault) {
        do {
            try vault.writeCheckpoint()
        } catch {
            Terminal.printError("casevault: warning: the audit checkpoint or this computer's record of the vault's newest state was not written (\(error)); the next command that writes events will write them")
        }
    }
}

