import Foundation
import VaultCrypto
import VaultStorage

/// The sealed listings of some cases, opened into one byte buffer with one small row per entry, then filtered and
/// ordered as the row reader orders (by date, undated last, then case, name and id).
struct ListingEntries: Sendable {
    struct Row {
        var size: Int64
        /// The entry's fields lie one after the other in `bytes`: id, kind, date, name.
        var start: Int32
        var idLength: UInt16
        var kindLength: UInt8
        /// 0xFF: undated.
        var dateLength: UInt8
        var nameLength: Int32
        var caseIndex: Int32
        var asciiName: Bool

        var kindStart: Int { Int(start) + Int(idLength) }
        var dateStart: Int { kindStart + Int(kindLength) }
        var dated: Bool { dateLength != 0xFF }
        var nameStart: Int { dateStart + (dated ? Int(dateLength) : 0) }
    }

    var bytes: [UInt8] = []
    var rows: [Row] = []
    var caseIDs: [String] = []

    /// Adds one opened segment's entries, of the case at `caseIndex`; false when it is malformed or does not hold
    /// `expected` entries.
    mutating func add(segment payload: [UInt8], caseIndex: Int32, expected: Int) -> Bool {
        let base = bytes.count
        let before = rows.count
        do {
            try DocumentListingFormat.scan(payload) { entry in
                let ascii = payload[entry.name].allSatisfy { $0 < 0x80 }
                rows.append(Row(size: entry.size, start: Int32(base + entry.id.lowerBound), idLength: UInt16(entry.id.count),
                                kindLength: UInt8(entry.kind.count), dateLength: entry.date.map { UInt8($0.count) } ?? 0xFF,
                                nameLength: Int32(entry.name.count), caseIndex: caseIndex, asciiName: ascii))
            }
        } catch {
            rows.removeSubrange(before...)
            return false
        }
        guard rows.count - before == expected else {
            rows.removeSubrange(before...)
            return false
        }
        bytes.append(contentsOf: payload)
        return true
    }

    /// The rows shown (kinds and dates as `DocumentFilter` says), in listing order.
    func order(kinds: [[UInt8]], from: String?, to: String?) -> [Int32] {
        let from = from.map { Array($0.utf8) }, to = to.map { Array($0.utf8) }
        // Cases by their ids' bytes, as the store orders them.
        let caseRank = caseIDs.indices.sorted { caseIDs[$0].utf8.lexicographicallyPrecedes(caseIDs[$1].utf8) }
        var rankOf = [Int32](repeating: 0, count: caseIDs.count)
        for (rank, index) in caseRank.enumerated() { rankOf[index] = Int32(rank) }
        return bytes.withUnsafeBufferPointer { buffer -> [Int32] in
            guard let base = buffer.baseAddress else { return [] }
            func span(_ start: Int, _ count: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + start, count: count) }
            func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int32 {
                let common = min(a.count, b.count)
                let result = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return result != 0 ? result : Int32(a.count) - Int32(b.count)
            }
            var shown: [Int32] = []
            shown.reserveCapacity(rows.count)
            for (index, row) in rows.enumerated() {
                if !kinds.isEmpty {
                    let kind = span(row.kindStart, Int(row.kindLength))
                    guard kinds.contains(where: { $0.elementsEqual(kind) }) else { continue }
                }
                if from != nil || to != nil {
                    guard row.dated else { continue }
                    let date = span(row.dateStart, Int(row.dateLength))
                    if let from, from.withUnsafeBufferPointer({ compare(date, $0) }) < 0 { continue }
                    if let to, to.withUnsafeBufferPointer({ compare(date, $0) }) > 0 { continue }
                }
                shown.append(Int32(index))
            }
            let all = rows
            func id(_ row: Row) -> UnsafeBufferPointer<UInt8> { span(Int(row.start), Int(row.idLength)) }
            func name(_ row: Row) -> UnsafeBufferPointer<UInt8> { span(row.nameStart, Int(row.nameLength)) }
            /// As `ListedDocuments.less`: bytes when both are ASCII, else decoded strings.
            func lessText(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
                if a.allSatisfy({ $0 < 0x80 }) && b.allSatisfy({ $0 < 0x80 }) { return compare(a, b) < 0 }
                return String(decoding: a, as: UTF8.self) < String(decoding: b, as: UTF8.self)
            }
            func slowerFirst(_ left: Int32, _ right: Int32) -> Bool {
                let a = all[Int(left)], b = all[Int(right)]
                if a.dated != b.dated { return a.dated }
                if a.dated {
                    let dates = compare(span(a.dateStart, Int(a.dateLength)), span(b.dateStart, Int(b.dateLength)))
                    if dates != 0 { return dates < 0 }
                }
                if a.caseIndex != b.caseIndex { return rankOf[Int(a.caseIndex)] < rankOf[Int(b.caseIndex)] }
                // Within one date and case: by name, then id, exactly as `ListedDocuments.sortByName` orders.
                let nameA = name(a), nameB = name(b)
                let common = min(nameA.count, nameB.count)
                let compared = common == 0 ? 0 : memcmp(nameA.baseAddress!, nameB.baseAddress!, common)
                if compared == 0 && nameA.count == nameB.count { return lessText(id(a), id(b)) }
                if a.asciiName && b.asciiName { return compared != 0 ? compared < 0 : nameA.count < nameB.count }
                let textA = String(decoding: nameA, as: UTF8.self), textB = String(decoding: nameB, as: UTF8.self)
                return textA != textB ? textA < textB : lessText(id(a), id(b))
            }
            // The same order, decided for most pairs by two integers per row (a fifth of `list`'s time over 100 000
            // entries was this sort comparing bytes through closures): the date as YYYYMMDD and the case's rank,
            // then an ASCII name's first 8 bytes, big-endian and zero-padded (which orders as bytes, shorter first).
            // Ties, and any entry whose date is not YYYY-MM-DD, go to the full comparison above.
            guard let keys = Self.sortKeys(rows: all, shown: shown, base: base, caseRank: rankOf) else {
                shown.sort(by: slowerFirst)
                return shown
            }
            shown.sort { left, right in
                let l = Int(left), r = Int(right)
                if keys.order[l] != keys.order[r] { return keys.order[l] < keys.order[r] }
                if all[l].asciiName && all[r].asciiName && keys.name[l] != keys.name[r] { return keys.name[l] < keys.name[r] }
                return slowerFirst(left, right)
            }
            return shown
        }
    }

    /// Per row (indexed as `rows`): `order` = undated flag, YYYYMMDD, case rank; `name` = an ASCII name's first 8
    /// bytes. nil when a shown row's date is not 10 bytes of YYYY-MM-DD or there are too many cases to pack.
    private static func sortKeys(rows: [Row], shown: [Int32], base: UnsafePointer<UInt8>, caseRank: [Int32])
        -> (order: [UInt64], name: [UInt64])? {
        guard caseRank.count < 1 << 20 else { return nil }
        var order = [UInt64](repeating: 0, count: rows.count), name = [UInt64](repeating: 0, count: rows.count)
        for index in shown {
            let row = rows[Int(index)]
            var date: UInt64 = 0
            if row.dated {
                guard row.dateLength == 10 else { return nil }
                let d = base + row.dateStart
                guard d[4] == UInt8(ascii: "-"), d[7] == UInt8(ascii: "-") else { return nil }
                for i in [0, 1, 2, 3, 5, 6, 8, 9] {
                    let digit = d[i] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    date = date * 10 + UInt64(digit)
                }
            }
            order[Int(index)] = (row.dated ? 0 : 1 << 63) | date << 20 | UInt64(caseRank[Int(row.caseIndex)])
            if row.asciiName {
                var prefix: UInt64 = 0
                let n = base + row.nameStart
                for i in 0..<8 { prefix = prefix << 8 | UInt64(i < Int(row.nameLength) ? n[i] : 0) }
                name[Int(index)] = prefix
            }
        }
        return (order, name)
    }
}

extension Vault {
    /// Why a case's listing is not used: missing or out of step (the rows are read instead), or damaged.
    enum ListingUnavailable: Error, Equatable {
        case missing
        case outOfStep
        case damaged(rowID: String)
    }

    /// Opens the sealed listing of `caseID` into `entries`. Throws `ListingUnavailable` when it cannot be used: no
    /// listing, a count that differs from the case's rows, or a row that does not open (changed or put back outside
    /// casevault: its seal binds the row's ledger version, which the signed state vouches for).
    func loadListing(_ caseID: String, into entries: inout ListingEntries, in tx: any VaultRecordReading) throws {
        let rows = try tx.consentRecords(type: ConsentRecordType.documentListing.rawValue, caseID: caseID, personID: nil)
        let headID = Self.listingHeadID(caseID)
        guard let headRecord = rows.first(where: { $0.id == headID }) else { throw ListingUnavailable.missing }
        guard let head = try openListing(headRecord, in: tx, DocumentListingFormat.decodeHead) else {
            throw ListingUnavailable.damaged(rowID: headID)
        }
        guard Int(head.total) == (try tx.documentCount(caseID: caseID)) else { throw ListingUnavailable.outOfStep }
        let byID = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let caseIndex = Int32(entries.caseIDs.count)
        entries.caseIDs.append(caseID)
        entries.bytes.reserveCapacity(entries.bytes.count + rows.reduce(0) { $0 + $1.sealed.count })
        entries.rows.reserveCapacity(entries.rows.count + Int(head.total))
        for segment in head.segments {
            let id = Self.listingSegmentID(caseID, segment.number)
            guard let record = byID[id], let added = try openListing(record, in: tx, { payload in
                entries.add(segment: payload, caseIndex: caseIndex, expected: Int(segment.count))
            }), added else { throw ListingUnavailable.damaged(rowID: id) }
        }
    }
}
