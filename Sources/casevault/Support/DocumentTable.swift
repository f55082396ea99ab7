import Foundation
import VaultCore

/// The `list` table, laid out as `Table.render` lays out any table (columns as wide as their widest cell, two
/// spaces apart, cells escaped), but built from the core's batches in two passes over one byte buffer: the first
/// escapes each cell once and keeps the widest, the second writes the padded lines in chunks. A listing of 100 000
/// documents makes no string per cell and no 10 MB string.
struct DocumentTable {
    static let header = ["ID", "CASE", "KIND", "DATE", "SIZE", "NAME"]
    /// The escaped cells of every row except the case (shown by reference, known only at the end).
    private var cells: [UInt8] = []
    /// Per row: the end in `cells` of its id, kind, date, size and name, and its case (index into `caseIDs`).
    private var ends: [Int32] = []
    private var cases: [Int32] = []
    private(set) var caseIDs: [String] = []
    private var caseIndex: [String: Int32] = [:]
    /// Widths of the columns other than the case.
    private var widths = [2, 4, 4, 4, 4]
    private static let perRow = 5

    mutating func add(_ listed: ListedDocuments) {
        var global: [Int32] = []
        for caseID in listed.caseIDs {
            if let known = caseIndex[caseID] {
                global.append(known)
            } else {
                caseIDs.append(caseID)
                caseIndex[caseID] = Int32(caseIDs.count - 1)
                global.append(Int32(caseIDs.count - 1))
            }
        }
        listed.forEach { row in
            func end(_ column: Int, _ width: Int) {
                ends.append(Int32(cells.count))
                if width > widths[column] { widths[column] = width }
            }
            end(0, appendCell(row.id))
            end(1, appendCell(row.kind))
            end(2, row.date.map { appendCell($0) } ?? 0)
            end(3, appendDecimal(row.size))
            end(4, appendCell(row.name))
            cases.append(global[row.caseIndex])
        }
    }

    /// Writes the table to standard output; `references`: each case's reference, by case id.
    func write(references: [String: String]) {
        let caseCells = caseIDs.map { Array(Terminal.escaped(references[$0] ?? $0).utf8) }
        let caseWidth = max(4, caseIDs.indices.map { Self.width(caseCells[$0]) }.max() ?? 0)
        let widths = [widths[0], caseWidth] + widths[1...]
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        func flush() {
            FileHandle.standardOutput.write(Data(out))
            out.removeAll(keepingCapacity: true)
        }
        func pad(_ column: Int, _ width: Int) {
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: widths[column] - width + 2))
        }
        for (column, title) in Self.header.enumerated() {
            out.append(contentsOf: title.utf8)
            if column < Self.header.count - 1 { pad(column, title.utf8.count) }
        }
        cells.withUnsafeBytes { cells in
            var start = 0
            for row in 0..<cases.count {
                out.append(UInt8(ascii: "\n"))
                var column = 0
                for field in 0..<Self.perRow {
                    let end = Int(ends[row * Self.perRow + field])
                    let cell = UnsafeRawBufferPointer(rebasing: cells[start..<end])
                    start = end
                    out.append(contentsOf: cell)
                    if field == 4 { break }
                    pad(column, Self.width(cell))
                    column += 1
                    if field == 0 {
                        let caseCell = caseCells[Int(cases[row])]
                        out.append(contentsOf: caseCell)
                        pad(column, Self.width(caseCell))
                        column += 1
                    }
                }
                if out.count >= (1 << 16) - 1024 { flush() }
            }
        }
        out.append(UInt8(ascii: "\n"))
        flush()
    }

    /// Appends the cell escaped (`Terminal.escaped`) and returns its width on screen.
    private mutating func appendCell(_ bytes: UnsafeRawBufferPointer) -> Int {
        // Printable ASCII (nearly every cell) needs no escaping and is as wide as it is long.
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            cells.append(contentsOf: bytes)
            return bytes.count
        }
        let escaped = Array(Terminal.escaped(String(decoding: bytes, as: UTF8.self)).utf8)
        cells.append(contentsOf: escaped)
        return Self.width(escaped)
    }

    private mutating func appendDecimal(_ value: Int64) -> Int {
        let text = String(value).utf8
        cells.append(contentsOf: text)
        return text.count
    }

    /// As `Table` counts: bytes when ASCII, else characters.
    private static func width(_ cell: some Collection<UInt8>) -> Int {
        cell.allSatisfy { $0 < 0x80 } ? cell.count : String(decoding: cell, as: UTF8.self).count
    }
}
