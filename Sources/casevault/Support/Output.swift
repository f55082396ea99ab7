import Foundation
import VaultStore

/// Plain-text tables for people; `--json` for scripts.
enum Table {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
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

struct CreatedID: Encodable {
    let id: String
}

extension GlobalOptions {
    /// Opens the vault with its database and blobs.
    func openStore() throws -> Vault {
        try Vault(try openVault())
    }
}
