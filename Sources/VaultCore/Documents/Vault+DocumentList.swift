import Consent
import Foundation
import VaultCrypto
import VaultModel
import VaultStorage

/// `list`: the documents of a case, or of every case this account may view, streamed in batches in reading order (by
/// document date, undated last, then case, name and id). Over 100 000 documents it must take well under 0.2 s, so
/// the rows come ordered from the store in compact batches, their sealed fields are opened on every core, and the
/// caller gets each batch as bytes (`ListedDocuments`), not a `DocumentView` and strings per row.
extension Vault {
    /// Which documents a listing shows: kinds, and a span of document dates (inclusive; undated documents are
    /// left out once a date is asked for).
    public struct DocumentFilter: Sendable {
        public var kinds: Set<DocumentKind> = []
        public var from: String?
        public var to: String?

        public init(kinds: Set<DocumentKind> = [], from: String? = nil, to: String? = nil) {
            self.kinds = kinds
            self.from = from
            self.to = to
        }
    }

    /// Hands the listed documents to `body` in batches, in reading order. With a case, the consent rules must allow
    /// viewing its documents; without, only the cases they let this account view are listed (a listing asks no
    /// questions: a warning counts only when its acknowledgements were given). `dateSource`: also open how each
    /// document's date was found (`DocumentView.documentDateSource`; the table does not show it).
    public func listDocuments(caseID: CaseID?, filter: DocumentFilter, dateSource: Bool = false,
                              _ body: (ListedDocuments) throws -> Void) throws {
        try listDocuments(caseID: caseID, filter: filter, dateSource: dateSource, batchRows: 4096, slices: nil, body)
    }

    /// `batchRows`, `slices`: how many rows a batch holds at least, and how many parts each is opened in (nil: one per
    /// core, one below 2 000 rows); tests ask for small batches in several parts to check that changes nothing.
    /// `listings`: false reads the rows even where sealed listings could be used (tests of the row reader).
    func listDocuments(caseID: CaseID?, filter: DocumentFilter, dateSource: Bool, batchRows: Int, slices: Int?, listings: Bool = true,
                       _ body: (ListedDocuments) throws -> Void) throws {
        if let from = filter.from { _ = try Validation.date(from, field: "the start date") }
        if let to = filter.to { _ = try Validation.date(to, field: "the end date") }
        let query = DocumentListQuery(caseID: caseID?.rawValue, clearKinds: Set(filter.kinds.map { Self.clearKind(of: $0.rawValue) }).sorted(),
                                      from: filter.from, to: filter.to, batchRows: batchRows)
        let kinds = filter.kinds.map { Array($0.rawValue.utf8) }
        // The table (no date source asked for) comes from the cases' sealed listings when each is there and in step
        // (Vault+DocumentListing); otherwise, and for every field (`--json`), from the rows.
        if let caseID {
            try requireConsent(.viewDocuments, caseID: caseID)
            try store.read { tx in
                if listings, !dateSource, let listed = try fromListings([caseID.rawValue], kinds: kinds, filter: filter, in: tx) {
                    if listed.count > 0 { try body(listed) }
                    return
                }
                try stream(query, kinds: kinds, dateSource: dateSource, slices: slices, in: tx, mayView: { _ in true }, body)
            }
            return
        }
        try guarded { try store.read { tx in
            let account = try account(in: tx)
            var viewable: [String: Bool] = [:]
            func mayView(_ caseID: String) throws -> Bool {
                if let known = viewable[caseID] { return known }
                var may = false
                if account.role != .admin, let caseRecord = try tx.caseRecord(caseID) {
                    let check = try evaluate(.viewDocuments, caseRecord: caseRecord, targetOrg: nil, in: tx)
                    let decision = check.decision
                    // Not with facts withheld (Vault+PersonSealing): this account holds no key to the case.
                    may = !check.factsWithheld && (decision.outcome == .allow
                        || (decision.outcome == .warn && decision.acknowledgementRequired.allSatisfy(acknowledged.contains)))
                }
                viewable[caseID] = may
                return may
            }
            if listings, !dateSource {
                var cases: [String] = []
                for caseRecord in try tx.cases() {
                    guard try tx.documentCount(caseID: caseRecord.id) > 0, try mayView(caseRecord.id) else { continue }
                    cases.append(caseRecord.id)
                }
                if let listed = try fromListings(cases, kinds: kinds, filter: filter, in: tx) {
                    if listed.count > 0 { try body(listed) }
                    return
                }
            }
            try stream(query, kinds: kinds, dateSource: dateSource, slices: slices, in: tx, mayView: mayView, body)
        } }
    }

    /// The listing of `cases` from their sealed listings, or nil when any of them is missing, out of step or does not
    /// open (the caller reads the rows). Each case's records are first checked against the signed state, as a command
    /// on the case does: the listing's rows are bound to their ledger versions, which that check vouches for.
    private func fromListings(_ cases: [String], kinds: [[UInt8]], filter: DocumentFilter, in tx: any VaultRecordReading) throws -> ListedDocuments? {
        var entries = ListingEntries()
        for caseID in cases {
            try checkSignedState(caseID: caseID, in: tx)
            do {
                try loadListing(caseID, into: &entries, in: tx)
            } catch is ListingUnavailable {
                return nil
            }
        }
        let order = entries.order(kinds: kinds, from: filter.from, to: filter.to)
        return ListedDocuments(listing: entries, order: order)
    }

    /// The store's batches through the pipeline: each read here (the keys it needs too, where the transaction is),
    /// opened on another thread, and handed to `body` in order.
    private func stream(_ query: DocumentListQuery, kinds: [[UInt8]], dateSource: Bool, slices: Int?, in tx: any VaultRecordReading,
                        mayView: (String) throws -> Bool, _ body: (ListedDocuments) throws -> Void) throws {
        let pipeline = ListingPipeline(kinds: kinds, dateSource: dateSource, slices: slices)
        defer { pipeline.drain() }
        try tx.documentListRows(query) { rows in
            try pipeline.submit(try prepare(rows, in: tx, mayView: mayView), then: body)
        }
        try pipeline.finish(body)
    }

    /// `listDocuments` gathered as views (`list --json`, and callers that want every field).
    public func documents(caseID: CaseID?, filter: DocumentFilter) throws -> [DocumentView] {
        var views: [DocumentView] = []
        try listDocuments(caseID: caseID, filter: filter, dateSource: true) { listed in
            for index in 0..<listed.count { views.append(listed.view(index)) }
        }
        return views
    }

    /// What a batch needs from the store before its sealed fields can be opened away from it: which rows are shown
    /// (rows of cases not viewable are left out), and each shown row's case key (looked up once per case and key
    /// version).
    func prepare(_ rows: DocumentListRows, in tx: any VaultRecordReading,
                         mayView: (String) throws -> Bool) throws -> ListingPipeline.Batch {
        var caseIDs: [String] = []
        var caseIndex = [Int32](repeating: -1, count: rows.count)
        var keys: [SecureBytes] = []
        var keyIndex = [Int32](repeating: -1, count: rows.count)
        var lastCase: (span: Range<Int>, index: Int32, may: Bool)?
        var keyOf: [String: Int32] = [:]
        var lastKey: (caseIndex: Int32, version: Int, key: Int32)?
        for row in 0..<rows.count {
            guard let span = rows.span(row, .caseID) else { continue }
            let sameCase = lastCase.map { rows.bytes[span].elementsEqual(rows.bytes[$0.span]) } ?? false
            if !sameCase {
                let caseID = String(decoding: rows.bytes[span], as: UTF8.self)
                let index: Int32
                if let known = caseIDs.firstIndex(of: caseID) {
                    index = Int32(known)
                } else {
                    caseIDs.append(caseID)
                    index = Int32(caseIDs.count - 1)
                }
                lastCase = (span, index, try mayView(caseID))
            }
            guard let current = lastCase, current.may else { continue }
            caseIndex[row] = current.index
            let version = rows.caseKeyVersions[row]
            if let last = lastKey, last.caseIndex == current.index, last.version == version {
                keyIndex[row] = last.key
                continue
            }
            let cacheKey = "\(current.index)#\(version)"
            let key: Int32
            if let known = keyOf[cacheKey] {
                key = known
            } else {
                let scope = KeyHierarchy.caseScope(caseIDs[Int(current.index)])
                keys.append(try KeyHierarchy.fieldKey(try dataKey(scope: scope, version: version, in: tx)))
                key = Int32(keys.count - 1)
                keyOf[cacheKey] = key
            }
            keyIndex[row] = key
            lastKey = (current.index, version, key)
        }
        return ListingPipeline.Batch(rows: rows, keys: keys, keyIndex: keyIndex, caseIDs: caseIDs, caseIndex: caseIndex)
    }
}

/// A batch of listed documents, in reading order, as bytes. The cells are handed out one row at a time
/// (`forEach`), valid only inside the call.
public struct ListedDocuments: Sendable {
    let rows: DocumentListRows
    let opened: DocumentListOpening
    /// The cases of this batch; `caseIndex[row]` points into it (-1: a row not shown).
    public let caseIDs: [String]
    let caseIndex: [Int32]
    /// The rows shown, in order (into `listing.rows` when the batch comes from sealed listings).
    var order: [Int32] = []
    /// Set when the batch comes from the cases' sealed listings rather than rows (`rows` and `opened` are then empty).
    let listing: ListingEntries?

    init(rows: DocumentListRows, opened: DocumentListOpening, caseIDs: [String], caseIndex: [Int32]) {
        self.rows = rows
        self.opened = opened
        self.caseIDs = caseIDs
        self.caseIndex = caseIndex
        listing = nil
    }

    init(listing: ListingEntries, order: [Int32]) {
        rows = DocumentListRows()
        opened = DocumentListOpening()
        caseIDs = listing.caseIDs
        caseIndex = []
        self.listing = listing
        self.order = order
    }

    public var count: Int { order.count }

    /// What a table shows of one document.
    public struct Cells {
        public let id: UnsafeRawBufferPointer
        /// Index into `caseIDs`.
        public let caseIndex: Int
        public let kind: UnsafeRawBufferPointer
        /// nil: undated.
        public let date: UnsafeRawBufferPointer?
        public let size: Int64
        /// The original name as stored (bytes, not always UTF-8).
        public let name: UnsafeRawBufferPointer
    }

    /// Each shown row's cells, in order.
    public func forEach(_ body: (Cells) throws -> Void) rethrows {
        if let listing { return try forEach(listing, body) }
        try rows.bytes.withUnsafeBytes { clear in
            try opened.bytes.withUnsafeBytes { open in
                let empty = UnsafeRawBufferPointer(start: nil, count: 0)
                for row in order.lazy.map(Int.init) {
                    func cell(_ column: DocumentListRows.Column) -> UnsafeRawBufferPointer? {
                        rows.span(row, column).map { UnsafeRawBufferPointer(rebasing: clear[$0]) }
                    }
                    let kind = openedSpan(row, 1).map { UnsafeRawBufferPointer(rebasing: open[$0]) } ?? cell(.kind) ?? empty
                    try body(Cells(id: cell(.id) ?? empty, caseIndex: Int(caseIndex[row]), kind: kind, date: cell(.documentDate),
                                   size: rows.sizes[row], name: openedSpan(row, 0).map { UnsafeRawBufferPointer(rebasing: open[$0]) } ?? empty))
                }
            }
        }
    }

    private func forEach(_ listing: ListingEntries, _ body: (Cells) throws -> Void) rethrows {
        try listing.bytes.withUnsafeBytes { bytes in
            for index in order {
                let row = listing.rows[Int(index)]
                func cell(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]) }
                try body(Cells(id: cell(Int(row.start), Int(row.idLength)), caseIndex: Int(row.caseIndex), kind: cell(row.kindStart, Int(row.kindLength)),
                               date: row.dated ? cell(row.dateStart, Int(row.dateLength)) : nil, size: row.size,
                               name: cell(row.nameStart, Int(row.nameLength))))
            }
        }
    }

    /// The shown row at `index` with every field (`list --json`). A batch from sealed listings holds only what the
    /// table shows: id, case, kind, date, size and name; the other fields are empty (`Vault.documents` reads rows).
    public func view(_ index: Int) -> Vault.DocumentView {
        if let listing {
            let row = listing.rows[Int(order[index])]
            func text(_ start: Int, _ count: Int) -> String { String(decoding: listing.bytes[start..<(start + count)], as: UTF8.self) }
            return Vault.DocumentView(id: DocumentID(text(Int(row.start), Int(row.idLength))), caseID: CaseID(caseIDs[Int(row.caseIndex)]),
                                      kind: text(row.kindStart, Int(row.kindLength)), name: text(row.nameStart, Int(row.nameLength)),
                                      mediaType: "", size: row.size, documentDate: row.dated ? text(row.dateStart, Int(row.dateLength)) : nil,
                                      documentDateSource: "", ingestedAt: "", ingestedBy: nil, caseKeyVersion: 0, ciphertextSHA256: "")
        }
        let row = Int(order[index])
        func text(_ column: DocumentListRows.Column) -> String? { rows.text(row, column) }
        func openedText(_ field: Int) -> String? { openedSpan(row, field).map { String(decoding: opened.bytes[$0], as: UTF8.self) } }
        return Vault.DocumentView(id: DocumentID(text(.id) ?? ""), caseID: CaseID(text(.caseID) ?? ""), kind: openedText(1) ?? text(.kind) ?? "",
                                  name: openedText(0) ?? "", mediaType: text(.mediaType) ?? "", size: rows.sizes[row],
                                  documentDate: text(.documentDate),
                                  documentDateSource: openedText(2) ?? text(.documentDateSource) ?? "",
                                  ingestedAt: text(.ingestedAt) ?? "", ingestedBy: text(.ingestedBy),
                                  caseKeyVersion: rows.caseKeyVersions[row],
                                  ciphertextSHA256: rows.span(row, .ciphertextSHA256).map { rows.bytes[$0].hexString } ?? "")
    }

    /// field 0: name, 1: sealed kind, 2: sealed date source.
    private func openedSpan(_ row: Int, _ field: Int) -> Range<Int>? {
        let index = row * DocumentListOpening.width + 2 * field
        let length = Int(opened.spans[index + 1])
        guard length >= 0 else { return nil }
        let start = Int(opened.spans[index])
        return start..<(start + length)
    }

    func withKind<T>(_ row: Int, _ body: (ArraySlice<UInt8>) -> T) -> T {
        if let span = openedSpan(row, 1) { return body(opened.bytes[span]) }
        return body(rows.span(row, .kind).map { rows.bytes[$0] } ?? [])
    }

    /// Rows come ordered by date and case; within each run of one date and case, by name, then id (as the names
    /// are sealed, this is the one ordering the store cannot do).
    mutating func sortGroupsByName() {
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, rows.sameGroup(Int(order[start]), Int(order[end])) { end += 1 }
            if end - start > 1 { sortByName(start..<end) }
            start = end
        }
    }

    /// Orders `order[range]` by name, then id: names compared as bytes (memcmp) when both are ASCII, which is how
    /// Swift orders such strings, else as decoded strings (a group of 100 000 is sorted in tens of milliseconds).
    private mutating func sortByName(_ range: Range<Int>) {
        struct Key {
            let row: Int32
            let start: Int
            let count: Int
            let ascii: Bool
        }
        let rows = rows
        var keys = opened.bytes.withUnsafeBufferPointer { bytes in
            order[range].map { row -> Key in
                let index = Int(row) * DocumentListOpening.width
                let start = Int(opened.spans[index]), count = max(0, Int(opened.spans[index + 1]))
                let ascii = count == 0 || UnsafeBufferPointer(rebasing: bytes[start..<(start + count)]).allSatisfy { $0 < 0x80 }
                return Key(row: row, start: count == 0 ? 0 : start, count: count, ascii: ascii)
            }
        }
        func id(_ row: Int32) -> ArraySlice<UInt8> { rows.span(Int(row), .id).map { rows.bytes[$0] } ?? [] }
        opened.bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else {
                keys.sort { Self.less(id($0.row), id($1.row)) }
                return
            }
            keys.sort { a, b in
                let common = min(a.count, b.count)
                let compared = common == 0 ? 0 : memcmp(base + a.start, base + b.start, common)
                if compared == 0 && a.count == b.count { return Self.less(id(a.row), id(b.row)) }
                if a.ascii && b.ascii { return compared != 0 ? compared < 0 : a.count < b.count }
                // Names that differ in bytes may still be equal strings (composed and decomposed accents).
                let textA = String(decoding: UnsafeBufferPointer(start: base + a.start, count: a.count), as: UTF8.self)
                let textB = String(decoding: UnsafeBufferPointer(start: base + b.start, count: b.count), as: UTF8.self)
                return textA != textB ? textA < textB : Self.less(id(a.row), id(b.row))
            }
        }
        order.replaceSubrange(range, with: keys.map(\.row))
    }

    /// As Swift orders strings: by bytes when both are ASCII (the same order), else as decoded strings.
    static func less(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        if isASCII(a) && isASCII(b) { return a.lexicographicallyPrecedes(b) }
        return String(decoding: a, as: UTF8.self) < String(decoding: b, as: UTF8.self)
    }

    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }
}
