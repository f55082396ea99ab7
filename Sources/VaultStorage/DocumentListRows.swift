import Foundation

/// What a document listing asks the store for. The store filters by the clear columns only; the core still checks
/// the kind it opens (a consent form is stored as `form`, its precise kind sealed).
public struct DocumentListQuery: Sendable, Equatable {
    public var caseID: String?
    /// Clear kinds to keep (empty: every kind).
    public var clearKinds: [String]
    /// Inclusive document dates; undated documents are left out once either is given.
    public var from: String?
    public var to: String?
    /// How many rows a batch holds before it may end (at the next change of date or case).
    public var batchRows: Int

    public init(caseID: String?, clearKinds: [String] = [], from: String? = nil, to: String? = nil, batchRows: Int = 4096) {
        self.caseID = caseID
        self.clearKinds = clearKinds
        self.from = from
        self.to = to
        self.batchRows = batchRows
    }
}

/// Document rows for a listing, packed into one byte buffer: the columns a listing shows and those its sealed fields
/// are bound to, with no `String` or `Data` per cell (100 000 documents would otherwise make well over a million).
/// Rows come in listing order: by document date (undated last), then case; within one date and case in any order (a
/// store may give them in the order it keeps them). A batch never splits the rows of one date and case, so the caller
/// orders each such group by its sealed name, then id, before showing it.
public struct DocumentListRows: Sendable {
    /// The byte columns, in the order of their spans.
    public enum Column: Int, CaseIterable, Sendable {
        case id, caseID, kind, mediaType, documentDate, documentDateSource, ingestedAt, ingestedBy
        case ciphertextSHA256, contentMAC, nameSealed, dateSourceSealed, kindSealed
    }
    static let width = Column.allCases.count

    public private(set) var bytes: [UInt8] = []
    /// Per row and column: the start in `bytes` and the length (-1: NULL).
    private var spans: [Int32] = []
    public private(set) var sizes: [Int64] = []
    public private(set) var ciphertextSizes: [Int64] = []
    public private(set) var caseKeyVersions: [Int] = []
    private var pending = 0

    public init() {}

    public var count: Int { sizes.count }

    /// Where the column's bytes are in `bytes`, or nil when it is NULL.
    public func span(_ row: Int, _ column: Column) -> Range<Int>? {
        let index = 2 * (row * Self.width + column.rawValue)
        let length = Int(spans[index + 1])
        guard length >= 0 else { return nil }
        let start = Int(spans[index])
        return start..<(start + length)
    }

    /// The column as text (tests, and the rare row that needs it whole).
    public func text(_ row: Int, _ column: Column) -> String? {
        span(row, column).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    public func data(_ row: Int, _ column: Column) -> Data? {
        span(row, column).map { Data(bytes[$0]) }
    }

    /// Room for `rows` more rows of about `bytesPerRow` bytes each (a store that reads rows one by one reserves a
    /// batch at once, rather than growing the buffers a page fault at a time).
    public mutating func reserve(rows: Int, bytesPerRow: Int) {
        bytes.reserveCapacity(bytes.count + rows * bytesPerRow)
        spans.reserveCapacity(spans.count + rows * 2 * Self.width)
        sizes.reserveCapacity(sizes.count + rows)
        ciphertextSizes.reserveCapacity(ciphertextSizes.count + rows)
        caseKeyVersions.reserveCapacity(caseKeyVersions.count + rows)
    }

    /// Appends one column of the row being added from a store's own buffer (the SQLite reader's path for every
    /// cell: not generic, so it is not called through generic metadata from another module).
    public mutating func append(bytes value: UnsafeRawBufferPointer) {
        spans.append(Int32(bytes.count))
        spans.append(Int32(value.count))
        if value.count > 0 { bytes.append(contentsOf: value) }
        pending += 1
    }

    /// Appends one column of the row being added (columns in `Column` order, then `endRow`).
    public mutating func append(_ value: some Collection<UInt8>) {
        spans.append(Int32(bytes.count))
        spans.append(Int32(value.count))
        bytes.append(contentsOf: value)
        pending += 1
    }

    public mutating func appendNull() {
        spans.append(0)
        spans.append(-1)
        pending += 1
    }

    public mutating func endRow(size: Int64, ciphertextSize: Int64, caseKeyVersion: Int) {
        precondition(pending == Self.width, "a listing row needs every column")
        pending = 0
        sizes.append(size)
        ciphertextSizes.append(ciphertextSize)
        caseKeyVersions.append(caseKeyVersion)
    }

    public mutating func append(_ record: DocumentRecord) {
        append(record.id.utf8)
        append(record.caseID.utf8)
        append(record.kind.utf8)
        append(record.mediaType.utf8)
        if let date = record.documentDate { append(date.utf8) } else { appendNull() }
        append(record.documentDateSource.utf8)
        append(record.ingestedAt.utf8)
        if let by = record.ingestedBy { append(by.utf8) } else { appendNull() }
        append(record.ciphertextSHA256)
        append(record.contentMAC)
        append(record.originalNameSealed)
        if let sealed = record.dateSourceSealed { append(sealed) } else { appendNull() }
        if let sealed = record.kindSealed { append(sealed) } else { appendNull() }
        endRow(size: record.size, ciphertextSize: record.ciphertextSize, caseKeyVersion: record.caseKeyVersion)
    }

    /// Whether two rows share a document date and case (rows a batch keeps together).
    public func sameGroup(_ a: Int, _ b: Int) -> Bool { sameGroup(a, self, b) }

    public func sameGroup(_ a: Int, _ other: DocumentListRows, _ b: Int) -> Bool {
        func equal(_ column: Column) -> Bool {
            switch (span(a, column), other.span(b, column)) {
            case (nil, nil): true
            case let (x?, y?): bytes[x].elementsEqual(other.bytes[y])
            default: false
            }
        }
        return equal(.documentDate) && equal(.caseID)
    }
}

extension DocumentReading {
    /// The way any store can answer: every row read, then filtered and ordered here. The SQLite store reads its
    /// rows straight into batches instead.
    public func documentListRows(_ query: DocumentListQuery, _ body: (DocumentListRows) throws -> Void) throws {
        let records = try documents(caseID: query.caseID).filter { record in
            if !query.clearKinds.isEmpty, !query.clearKinds.contains(record.kind) { return false }
            if query.from != nil || query.to != nil {
                guard let date = record.documentDate else { return false }
                if let from = query.from, date < from { return false }
                if let to = query.to, date > to { return false }
            }
            return true
        }.sorted { a, b in
            // Byte order, as SQLite's BINARY collation and PostgreSQL's "C" compare.
            func less(_ x: String, _ y: String) -> Bool { x.utf8.lexicographicallyPrecedes(y.utf8) }
            switch (a.documentDate, b.documentDate) {
            case let (x?, y?) where x != y: return less(x, y)
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.caseID != b.caseID ? less(a.caseID, b.caseID) : less(a.id, b.id)
            }
        }
        var batch = DocumentListRows()
        for record in records {
            if batch.count >= query.batchRows {
                var next = DocumentListRows()
                next.append(record)
                if !batch.sameGroup(batch.count - 1, next, 0) {
                    try body(batch)
                    batch = DocumentListRows()
                }
            }
            batch.append(record)
        }
        if batch.count > 0 { try body(batch) }
    }
}
