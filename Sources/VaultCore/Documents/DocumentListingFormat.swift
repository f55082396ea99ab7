import Foundation

/// The binary payloads of a case's sealed listing (Vault+DocumentListing): a head naming the segments, and segments
/// of a few hundred entries each (what `list` prints of a document). Binary, not JSON: 100 000 entries must decode in
/// a few milliseconds. Every length is checked against the payload, so a payload that opened but is malformed is an
/// error, never a crash or a wrong row.
///
/// head    = "cvlh" 1 total:u32 next:u32 n:u32 n*(number:u32 count:u32)
/// segment = "cvls" 1 count:u32 count*(size:i64 idLen:u16 kindLen:u8 dateLen:u8 nameLen:u32 id kind date name)
/// Integers little-endian; dateLen 0xFF: undated.
enum DocumentListingFormat {
    static let headMagic: [UInt8] = Array("cvlh".utf8) + [1]
    static let segmentMagic: [UInt8] = Array("cvls".utf8) + [1]
    /// Entries a segment holds before the next one starts: an ingest re-seals at most one such segment (and the head).
    static let segmentCapacity = 512

    struct Entry: Equatable {
        var id: [UInt8]
        var kind: [UInt8]
        var date: [UInt8]?
        var size: Int64
        var name: [UInt8]
    }

    struct Head: Equatable {
        struct Segment: Equatable {
            var number: UInt32
            var count: UInt32
        }
        var total: UInt32 = 0
        var next: UInt32 = 0
        var segments: [Segment] = []
    }

    struct Malformed: Error {}

    static func encode(_ head: Head) -> [UInt8] {
        var out = headMagic
        out.reserveCapacity(17 + 8 * head.segments.count)
        put32(head.total, &out)
        put32(head.next, &out)
        put32(UInt32(head.segments.count), &out)
        for segment in head.segments {
            put32(segment.number, &out)
            put32(segment.count, &out)
        }
        return out
    }

    static func decodeHead(_ bytes: [UInt8]) throws(Malformed) -> Head {
        var reader = Reader(bytes: bytes)
        guard try reader.take(headMagic.count).elementsEqual(headMagic) else { throw Malformed() }
        var head = Head(total: try reader.u32(), next: try reader.u32())
        let count = Int(try reader.u32())
        guard count <= (bytes.count - reader.offset) / 8 else { throw Malformed() }
        var sum: UInt64 = 0
        for _ in 0..<count {
            let segment = Head.Segment(number: try reader.u32(), count: try reader.u32())
            guard segment.number < head.next, segment.count > 0 else { throw Malformed() }
            sum += UInt64(segment.count)
            head.segments.append(segment)
        }
        guard reader.offset == bytes.count, sum == UInt64(head.total), Set(head.segments.map(\.number)).count == count else { throw Malformed() }
        return head
    }

    static func encode(_ entries: [Entry]) -> [UInt8] {
        var out = segmentMagic
        out.reserveCapacity(entries.reduce(9) { $0 + 16 + $1.id.count + $1.kind.count + ($1.date?.count ?? 0) + $1.name.count })
        put32(UInt32(entries.count), &out)
        for entry in entries {
            withUnsafeBytes(of: entry.size.littleEndian) { out.append(contentsOf: $0) }
            let id = UInt16(entry.id.count)
            out.append(UInt8(id & 0xFF))
            out.append(UInt8(id >> 8))
            out.append(UInt8(entry.kind.count))
            out.append(entry.date.map { UInt8($0.count) } ?? 0xFF)
            put32(UInt32(entry.name.count), &out)
            out.append(contentsOf: entry.id)
            out.append(contentsOf: entry.kind)
            if let date = entry.date { out.append(contentsOf: date) }
            out.append(contentsOf: entry.name)
        }
        return out
    }

    /// Whether an entry fits the format's length fields (ids, kinds and dates are ours and short; a name is bounded
    /// by the u32).
    static func fits(_ entry: Entry) -> Bool {
        entry.id.count <= Int(UInt16.max) && entry.kind.count <= 255 && (entry.date?.count ?? 0) < 255 && entry.name.count <= Int(UInt32.max)
    }

    static func decodeSegment(_ bytes: [UInt8]) throws(Malformed) -> [Entry] {
        var entries: [Entry] = []
        try scan(bytes) { (fields: ScannedEntry) in
            entries.append(Entry(id: Array(bytes[fields.id]), kind: Array(bytes[fields.kind]), date: fields.date.map { Array(bytes[$0]) },
                                 size: fields.size, name: Array(bytes[fields.name])))
        }
        return entries
    }

    /// Where one entry's fields are in a segment's payload.
    struct ScannedEntry {
        var size: Int64
        var id: Range<Int>
        var kind: Range<Int>
        var date: Range<Int>?
        var name: Range<Int>
    }

    /// Walks a segment's entries without copying them (the listing's read path).
    static func scan(_ bytes: [UInt8], _ body: (ScannedEntry) throws(Malformed) -> Void) throws(Malformed) {
        var reader = Reader(bytes: bytes)
        guard try reader.take(segmentMagic.count).elementsEqual(segmentMagic) else { throw Malformed() }
        let count = Int(try reader.u32())
        guard count > 0, count <= (bytes.count - reader.offset) / 16 else { throw Malformed() }
        for _ in 0..<count {
            let size = Int64(bitPattern: try reader.u64())
            let idLength = Int(try reader.u8()) | Int(try reader.u8()) << 8
            let kindLength = Int(try reader.u8())
            let dateLength = Int(try reader.u8())
            let nameLength = Int(try reader.u32())
            let id = try reader.range(idLength)
            let kind = try reader.range(kindLength)
            let date = dateLength == 0xFF ? nil : try reader.range(dateLength)
            let name = try reader.range(nameLength)
            guard !id.isEmpty else { throw Malformed() }
            try body(ScannedEntry(size: size, id: id, kind: kind, date: date, name: name))
        }
        guard reader.offset == bytes.count else { throw Malformed() }
    }

    private static func put32(_ value: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func range(_ count: Int) throws(Malformed) -> Range<Int> {
            guard count >= 0, count <= bytes.count - offset else { throw Malformed() }
            defer { offset += count }
            return offset..<(offset + count)
        }

        mutating func take(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> { bytes[try range(count)] }
        mutating func u8() throws(Malformed) -> UInt8 { bytes[try range(1).lowerBound] }

        mutating func u32() throws(Malformed) -> UInt32 {
            let span = try range(4)
            return bytes[span].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func u64() throws(Malformed) -> UInt64 {
            let span = try range(8)
            var value: UInt64 = 0
            for index in span.reversed() { value = value << 8 | UInt64(bytes[index]) }
            return value
        }
    }
}
