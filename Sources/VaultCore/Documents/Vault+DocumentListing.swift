import Foundation
import VaultCrypto
import VaultStorage

/// A case's sealed listing (issues 19 and 24): what `list` prints of each of the case's documents (id, kind, date,
/// size, name), kept as `document_listing` rows of `consent_records` under the case key (format 3: bound to the case,
/// the key version and the row's ledger version), so a listing of 100 000 documents opens a few hundred blobs
/// instead of reading 100 000 rows and opening 100 000 names. A head row names the segments; each segment holds up
/// to `segmentCapacity` entries. Every transaction that writes a case's documents brings its listing into step
/// before its ledger lines are written (LedgeredStore.beforeFinish): new documents go into the last segment, so an
/// ingest re-seals one segment and the head, not the whole listing; a retag or removal re-seals the segments that
/// held them. The rows stay the authority: a listing that is missing, out of step with the case's document count,
/// or fails to open is not used (`list` reads the rows), and the next change by someone holding the case key
/// rebuilds it.
extension Vault {
    static let listingIDPrefix = "listing-"

    static func listingHeadID(_ caseID: String) -> String { listingIDPrefix + caseID }
    static func listingSegmentID(_ caseID: String, _ number: UInt32) -> String { "\(listingIDPrefix)\(caseID)-\(number)" }

    /// The hook LedgeredStore calls: each case whose documents this transaction wrote, in case order.
    func maintainListings(_ tx: LedgerTransaction) throws {
        for (caseID, changes) in tx.documentChanges.sorted(by: { $0.key < $1.key }) {
            do {
                try maintainListing(caseID, changes, in: tx)
            } catch let error where !(error is StoreError) {
                // No key to the case's current version (a transfer to another organisation), or a document that does
                // not open: the listing is dropped rather than left wrong; `list` reads the rows meanwhile.
                try dropListing(caseID, in: tx)
            }
        }
    }

    private func maintainListing(_ caseID: String, _ changes: LedgerTransaction.DocumentChanges, in tx: any VaultRecordWriting) throws {
        let documents = try tx.documentCount(caseID: caseID)
        guard documents > 0, try tx.caseRecord(caseID) != nil else { return try dropListing(caseID, in: tx) }
        guard let headRecord = try tx.consentRecord(Self.listingHeadID(caseID)),
              var head = try openListing(headRecord, in: tx, DocumentListingFormat.decodeHead),
              changes.changed.count * 4 <= Int(head.total)
        else { return try rebuildListing(caseID, in: tx) }
        // Only the segments that may hold a changed document are opened: all of them for a change or removal (a
        // listing has no index of ids), the last one alone for new documents.
        var segments: [UInt32: [DocumentListingFormat.Entry]] = [:]
        let wanted = changes.changed.isEmpty ? head.segments.suffix(1) : head.segments[...]
        for segment in wanted {
            let id = Self.listingSegmentID(caseID, segment.number)
            guard let record = try tx.consentRecord(id),
                  let entries = try openListing(record, in: tx, DocumentListingFormat.decodeSegment),
                  entries.count == Int(segment.count)
            else { return try rebuildListing(caseID, in: tx) }
            segments[segment.number] = entries
        }
        var entryMaker = ListingEntryMaker(caseID: caseID, written: changes.written)
        var dirty = Set<UInt32>()
        let touched = changes.changed.union(changes.inserted)
        for number in segments.keys.sorted() {
            guard var entries = segments[number] else { continue }
            var changedHere = false
            for index in entries.indices.reversed() {
                let id = String(decoding: entries[index].id, as: UTF8.self)
                guard touched.contains(id) else { continue }
                changedHere = true
                if let entry = try entryMaker.entry(id, vault: self, in: tx) { entries[index] = entry } else { entries.remove(at: index) }
            }
            if changedHere {
                segments[number] = entries
                dirty.insert(number)
            }
        }
        let listed = Set(segments.values.joined().map { String(decoding: $0.id, as: UTF8.self) })
        for id in changes.inserted.sorted() where !listed.contains(id) {
            guard let entry = try entryMaker.entry(id, vault: self, in: tx) else { continue }
            if let last = head.segments.last, (segments[last.number]?.count ?? Int.max) < DocumentListingFormat.segmentCapacity {
                segments[last.number, default: []].append(entry)
                dirty.insert(last.number)
            } else {
                head.segments.append(.init(number: head.next, count: 0))
                segments[head.next] = [entry]
                dirty.insert(head.next)
                head.next += 1
            }
        }
        for number in dirty {
            guard let index = head.segments.firstIndex(where: { $0.number == number }) else { continue }
            head.segments[index].count = UInt32(segments[number]?.count ?? 0)
        }
        head.segments.removeAll { $0.count == 0 }
        head.total = head.segments.reduce(0) { $0 + $1.count }
        // A listing that would disagree with the rows (a change it could not see) is rebuilt from them instead.
        guard Int(head.total) == documents else { return try rebuildListing(caseID, in: tx) }
        let kept = Set(head.segments.map(\.number))
        let emptied = dirty.subtracting(kept).map { Self.listingSegmentID(caseID, $0) }
        try writeListing(caseID, head: head, segments: segments.filter { dirty.contains($0.key) }, deleting: emptied, in: tx)
    }

    /// The whole listing again, from the case's rows, in listing order (the segments are then sorted runs).
    func rebuildListing(_ caseID: String, in tx: any VaultRecordWriting) throws {
        var entries: [DocumentListingFormat.Entry] = []
        try tx.documentListRows(DocumentListQuery(caseID: caseID)) { rows in
            let listed = try ListingPipeline.open(try prepare(rows, in: tx, mayView: { _ in true }), kinds: [], dateSource: false, slices: nil)
            listed.forEach { cells in
                entries.append(.init(id: Array(cells.id), kind: Array(cells.kind), date: cells.date.map { Array($0) }, size: cells.size,
                                     name: Array(cells.name)))
            }
        }
        guard entries.allSatisfy(DocumentListingFormat.fits) else { return try dropListing(caseID, in: tx) }
        var head = DocumentListingFormat.Head()
        var segments: [UInt32: [DocumentListingFormat.Entry]] = [:]
        for start in stride(from: 0, to: entries.count, by: DocumentListingFormat.segmentCapacity) {
            let part = Array(entries[start..<min(start + DocumentListingFormat.segmentCapacity, entries.count)])
            head.segments.append(.init(number: head.next, count: UInt32(part.count)))
            segments[head.next] = part
            head.next += 1
        }
        head.total = UInt32(entries.count)
        let kept = Set(head.segments.map { Self.listingSegmentID(caseID, $0.number) } + [Self.listingHeadID(caseID)])
        let stale = try tx.consentRecords(type: ConsentRecordType.documentListing.rawValue, caseID: caseID, personID: nil).map(\.id)
        try writeListing(caseID, head: head, segments: segments, deleting: stale.filter { !kept.contains($0) }, in: tx)
    }

    /// Seals and saves the changed segments and the head, and deletes the listing rows `deleting` (those the head no
    /// longer names).
    private func writeListing(_ caseID: String, head: DocumentListingFormat.Head, segments: [UInt32: [DocumentListingFormat.Entry]],
                              deleting: [String], in tx: any VaultRecordWriting) throws {
        guard let keyVersion = try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(caseID)).last else {
            return try dropListing(caseID, in: tx)
        }
        var records: [ConsentRecord] = []
        func seal(_ payload: [UInt8], id: String) throws {
            let ledgerVersion = (try tx.recordState(kind: RecordKind.sealed.rawValue, id: id)?.version ?? 0) + 1
            let now = timestamp()
            records.append(ConsentRecord(id: id, recordType: ConsentRecordType.documentListing.rawValue, caseID: caseID, createdAt: now,
                                         updatedAt: now, sealed: try sealUnderCaseKey(payload, id: id, type: .documentListing, caseID: caseID,
                                                                                      personID: nil, ledgerVersion: ledgerVersion,
                                                                                      keyVersion: keyVersion, in: tx)))
        }
        for (number, entries) in segments.sorted(by: { $0.key < $1.key }) where !entries.isEmpty {
            var payload = DocumentListingFormat.encode(entries)
            defer { payload.withUnsafeMutableBytes { secureZero($0) } }
            try seal(payload, id: Self.listingSegmentID(caseID, number))
        }
        try seal(DocumentListingFormat.encode(head), id: Self.listingHeadID(caseID))
        for id in deleting { try tx.deleteConsentRecord(id) }
        for record in records { try tx.save(record) }
    }

    /// A listing row's payload, decoded; nil when it does not open or decode (the caller rebuilds or reads the rows).
    /// Store errors are not swallowed.
    func openListing<T>(_ record: ConsentRecord, in tx: any VaultRecordReading, _ decode: ([UInt8]) throws -> T) throws -> T? {
        do {
            var payload = Array(try openUnderCaseKey(record, type: .documentListing, in: tx))
            defer { payload.withUnsafeMutableBytes { secureZero($0) } }
            return try decode(payload)
        } catch let error as StoreError {
            throw error
        } catch {
            return nil
        }
    }

    func dropListing(_ caseID: String, in tx: any VaultRecordWriting) throws {
        for record in try tx.consentRecords(type: ConsentRecordType.documentListing.rawValue, caseID: caseID, personID: nil) {
            try tx.deleteConsentRecord(record.id)
        }
    }
}

/// One listing entry from a document's row: its sealed name and kind opened with the key of the row's version.
private struct ListingEntryMaker {
    let caseID: String
    /// Rows this transaction wrote (not read again).
    let written: [String: DocumentRecord]
    private var fieldKeys: [Int: SecureBytes] = [:]

    init(caseID: String, written: [String: DocumentRecord]) {
        self.caseID = caseID
        self.written = written
    }

    /// nil: no such document in this case (removed).
    mutating func entry(_ id: String, vault: Vault, in tx: any VaultRecordReading) throws -> DocumentListingFormat.Entry? {
        guard let record = try written[id] ?? tx.document(id), record.caseID == caseID else { return nil }
        let fieldKey: SecureBytes
        if let known = fieldKeys[record.caseKeyVersion] {
            fieldKey = known
        } else {
            fieldKey = try KeyHierarchy.fieldKey(try vault.dataKey(scope: KeyHierarchy.caseScope(caseID), version: record.caseKeyVersion, in: tx))
            fieldKeys[record.caseKeyVersion] = fieldKey
        }
        let opened = try Vault.openDocumentFields(record, fieldKey: fieldKey)
        let entry = DocumentListingFormat.Entry(id: Array(id.utf8), kind: Array(opened.kind.utf8), date: record.documentDate.map { Array($0.utf8) },
                                                size: record.size, name: opened.name)
        guard DocumentListingFormat.fits(entry) else { throw DocumentListingFormat.Malformed() }
        return entry
    }
}
