import Foundation
import VaultCrypto
import VaultStorage

/// Opens the sealed fields of a batch of listed documents on every core, each slice of rows with its own cipher
/// contexts (one is not safe to share), into one byte buffer: no array or string per row. The AAD of each field is
/// built byte by byte into a reused buffer, exactly as `KeyHierarchy.fieldAAD` and `clearFieldsBinding` build it
/// (DocumentListTests checks both ways agree).
struct DocumentListOpening: Sendable {
    /// Per row of the batch: start and length in `bytes` of the name, the sealed kind and the sealed date source
    /// (length -1: not sealed, or not asked for, or the row is not shown).
    static let width = 6
    var bytes: [UInt8] = []
    var spans: [Int32] = []

    /// `keys`: the field keys of the cases shown; `keyIndex[row]`: the row's key, or -1 for a row not shown.
    static func open(_ rows: DocumentListRows, keys: [SecureBytes], keyIndex: [Int32], dateSource: Bool,
                     slices: Int? = nil) throws -> DocumentListOpening {
        let slices = max(1, min(rows.count, slices ?? (rows.count < 2_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount)))
        if slices == 1 { return try open(rows, 0..<rows.count, keys: keys, keyIndex: keyIndex, dateSource: dateSource) }
        let results = SliceResults<DocumentListOpening>(count: slices)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (rows.count * slice / slices)..<(rows.count * (slice + 1) / slices)
            results.set(slice, Result { try open(rows, range, keys: keys, keyIndex: keyIndex, dateSource: dateSource) })
        }
        var all = DocumentListOpening()
        all.spans.reserveCapacity(rows.count * width)
        for part in results.all() {
            let part = try part.get()
            let base = Int32(all.bytes.count)
            all.bytes.append(contentsOf: part.bytes)
            all.spans.append(contentsOf: part.spans.enumerated().map { $0.offset % 2 == 0 ? $0.element + base : $0.element })
        }
        return all
    }

    private static func open(_ rows: DocumentListRows, _ range: Range<Int>, keys: [SecureBytes], keyIndex: [Int32],
                             dateSource: Bool) throws -> DocumentListOpening {
        var result = DocumentListOpening()
        result.spans.reserveCapacity(range.count * width)
        var openers = [AESGCM.Opener?](repeating: nil, count: keys.count)
        var aad = AADBuilder()
        var plaintext = [UInt8](repeating: 0, count: 4096)
        defer { plaintext.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        try rows.bytes.withUnsafeBytes { all in
            func cell(_ row: Int, _ column: DocumentListRows.Column) -> UnsafeRawBufferPointer? {
                rows.span(row, column).map { UnsafeRawBufferPointer(rebasing: all[$0]) }
            }
            for row in range {
                let key = Int(keyIndex[row])
                guard key >= 0 else {
                    for _ in 0..<width { result.spans.append(-1) }
                    continue
                }
                if openers[key] == nil { openers[key] = try AESGCM.Opener(key: keys[key]) }
                guard let opener = openers[key], let id = cell(row, .id) else { throw VaultError.damagedField(table: DocumentRecord.tableName, column: "id", rowID: "?") }
                aad.binding(rows, row, cell)
                func openField(_ sealed: UnsafeRawBufferPointer?, column: String) throws {
                    guard let sealed else {
                        result.spans.append(0)
                        result.spans.append(-1)
                        return
                    }
                    do {
                        let length = try aad.withAAD(column: column, id: id) { aadBytes in
                            if sealed.count > plaintext.count { plaintext = [UInt8](repeating: 0, count: sealed.count) }
                            return try plaintext.withUnsafeMutableBytes { try opener.open(combined: sealed, authenticating: aadBytes, into: $0) }
                        }
                        result.spans.append(Int32(result.bytes.count))
                        result.spans.append(Int32(length))
                        result.bytes.append(contentsOf: plaintext[0..<length])
                    } catch {
                        throw VaultError.damagedField(table: DocumentRecord.tableName, column: column, rowID: String(decoding: id, as: UTF8.self))
                    }
                }
                try openField(cell(row, .nameSealed), column: "original_name")
                try openField(cell(row, .kindSealed), column: Vault.kindColumn)
                try openField(dateSource ? cell(row, .dateSourceSealed) : nil, column: Vault.dateSourceColumn)
            }
        }
        return result
    }
}

/// The AAD of a document's sealed field: `casevault/field/v1 ‖ 0 ‖ documents ‖ 0 ‖ column ‖ 0 ‖ id ‖ 0 ‖ binding`,
/// the binding being the row's clear columns joined by 0 bytes (`DocumentRecord.clearFieldsBinding`).
struct AADBuilder {
    private var binding: [UInt8] = []
    private var aad: [UInt8] = []
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64Digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    init() {
        binding.reserveCapacity(512)
        aad.reserveCapacity(1024)
    }

    /// Builds the row's binding (kept until the next row).
    mutating func binding(_ rows: DocumentListRows, _ row: Int, _ cell: (Int, DocumentListRows.Column) -> UnsafeRawBufferPointer?) {
        binding.removeAll(keepingCapacity: true)
        func text(_ column: DocumentListRows.Column, orNull null: String = "") {
            if let value = cell(row, column) { binding.append(contentsOf: value) } else { binding.append(contentsOf: null.utf8) }
        }
        func separator() { binding.append(0) }
        text(.caseID); separator()
        text(.kind); separator()
        text(.mediaType); separator()
        decimal(rows.sizes[row]); separator()
        text(.documentDate, orNull: "-"); separator()
        text(.documentDateSource); separator()
        text(.ingestedAt); separator()
        text(.ingestedBy, orNull: "-"); separator()
        decimal(rows.ciphertextSizes[row]); separator()
        if let hash = cell(row, .ciphertextSHA256) {
            for byte in hash {
                binding.append(Self.hexDigits[Int(byte >> 4)])
                binding.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
        separator()
        if let mac = cell(row, .contentMAC) { base64(mac) }
    }

    /// Hands the AAD of one column of the row to `body`.
    mutating func withAAD<T>(column: String, id: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        aad.removeAll(keepingCapacity: true)
        aad.append(contentsOf: "casevault/field/v1".utf8)
        aad.append(0)
        aad.append(contentsOf: DocumentRecord.tableName.utf8)
        aad.append(0)
        aad.append(contentsOf: column.utf8)
        aad.append(0)
        aad.append(contentsOf: id)
        aad.append(0)
        aad.append(contentsOf: binding)
        return try aad.withUnsafeBytes(body)
    }

    private mutating func decimal(_ value: Int64) {
        if value < 0 { binding.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { binding.append(buffer[index]) }
        }
    }

    /// Standard base64 with padding, as `Data.base64EncodedString()` writes it.
    private mutating func base64(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            binding.append(Self.base64Digits[Int((value >> 18) & 63)])
            binding.append(Self.base64Digits[Int((value >> 12) & 63)])
            binding.append(Self.base64Digits[Int((value >> 6) & 63)])
            binding.append(Self.base64Digits[Int(value & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let value = UInt32(bytes[index]) << 16
            binding.append(Self.base64Digits[Int((value >> 18) & 63)])
            binding.append(Self.base64Digits[Int((value >> 12) & 63)])
            binding.append(contentsOf: "==".utf8)
        } else if rest == 2 {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            binding.append(Self.base64Digits[Int((value >> 18) & 63)])
            binding.append(Self.base64Digits[Int((value >> 12) & 63)])
            binding.append(Self.base64Digits[Int((value >> 6) & 63)])
            binding.append(UInt8(ascii: "="))
        }
    }
}

/// One result per slice of a parallel pass, set from the worker threads.
final class SliceResults<T: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `results` holds `lock`.
    private var results: [Result<T, any Error>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<T, any Error>) { lock.withLock { results[index] = value } }
    func all() -> [Result<T, any Error>] {
        lock.withLock { results.map { $0 ?? .failure(VaultError.invalidInput("a slice of the listing was not opened")) } }
    }
}
