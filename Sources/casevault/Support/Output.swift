import Foundation
import VaultStore

/// Plain-text tables for people; `--json` for scripts.
enum Table {
    static func render(_ header: [String], _ unescapedRows: [[String]]) -> String {
        // Cells are stored text: a line break or an escape sequence in one must not break the table.
        let rows = unescapedRows.map { $0.map { Terminal.escaped($0) } }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }.joined()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
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
    func openStore() throws -> Vault {
        let vault = try Vault(try openVault(), actor: advocate)
        vault.onConsentWarning = ConsentGate.show
        return vault
    }

    /// Runs `body` on the open vault, then seals what it recorded with a signed audit checkpoint.
    func withVault<T>(_ body: (Vault) throws -> T) throws -> T {
        let vault = try openStore()
        defer { finish(vault) }
        return try body(vault)
    }

    /// Ends a command: if it wrote audit events, a signed checkpoint of the chain's head is stored.
    func finish(_ vault: Vault) {
        do {
            try vault.writeCheckpoint()
        } catch {
            Terminal.printError("casevault: warning: the audit checkpoint was not written (\(error)); the next command that writes events will write one")
        }
    }
}

extension Array where Element: Hashable {
    func uniquedPreservingOrder() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
