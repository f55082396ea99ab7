import Foundation
import VaultCrypto

// The state ledger (issue 18, "state follows from the log"). Every change to a stored record is written, in the same
// transaction, as a line of a `state.change` audit event: the record's kind and id, its new version and the SHA-256
// of its new stored value (or "-" for a deletion). The audit chain is MAC'd, so nobody without the key can add, drop
// or alter these lines; `verify` replays them and compares the result with the rows actually stored, which catches a
// row deleted, inserted, edited or replayed with sqlite3. Each signed checkpoint carries a digest of the whole state.

/// Every kind of stored record the ledger follows (audit events and checkpoints are chained and signed themselves).
public enum RecordKind: String, CaseIterable, Sendable, Comparable {
    case meta, organisation, advocate, person
    case caseRecord = "case"
    case caseAdvocate = "case_advocate"
    case dataKey = "data_key"
    case keyWrapper = "key_wrapper"
    case document, tombstone
    /// consent_records: consents, authorities, capacity, case facts and people, redaction terms, notes, bundle logs.
    case sealed

    public static func < (a: RecordKind, b: RecordKind) -> Bool { a.rawValue < b.rawValue }
}

/// A record's place in the ledger: kind and id.
public struct RecordKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: RecordKind
    public let id: String

    public static func < (a: RecordKey, b: RecordKey) -> Bool { (a.kind.rawValue, a.id) < (b.kind.rawValue, b.id) }
    public var description: String { "\(kind.rawValue) \(id)" }
}

/// One line of a `state.change` event.
struct StateChange: Equatable {
    let key: RecordKey
    let version: Int64
    /// nil: the record was deleted.
    let hash: [UInt8]?
    /// The case (or person) the record belongs to, which decides its bucket.
    let scope: String?

    /// `kind id version hash|- scope|-`: ids never contain spaces or newlines (they are ours, or scope#version@kind:id).
    var line: String { "\(key.kind.rawValue) \(key.id) \(version) \(hash?.hexString ?? "-") \(scope ?? "-")" }

    init(key: RecordKey, version: Int64, hash: [UInt8]?, scope: String?) {
        self.key = key
        self.version = version
        self.hash = hash
        self.scope = scope
    }

    init?(line: Substring) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 5, let kind = RecordKind(rawValue: String(parts[0])), let version = Int64(parts[2]) else { return nil }
        scope = parts[4] == "-" ? nil : String(parts[4])
        if parts[3] == "-" {
            hash = nil
        } else {
            guard let bytes = StateMark.bytes(hex: String(parts[3])), bytes.count == 32 else { return nil }
            hash = bytes
        }
        key = RecordKey(kind: kind, id: String(parts[1]))
        self.version = version
    }
}

enum StateHash {
    static let changeAction = "state.change"
    static let baselineAction = "state.baseline"
    static let changesDetail = "changes"
    /// Lines per event: a baseline of a large vault becomes several events of bounded size.
    static let linesPerEvent = 1000

    /// SHA-256 of the record as stored: its canonical JSON (sorted keys, every column), bound to kind and id, so the
    /// same bytes under another id hash differently.
    static func of<T: Encodable>(_ key: RecordKey, _ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        var bytes = Array("casevault-record/v1\u{0}\(key.kind.rawValue)\u{0}\(key.id)\u{0}".utf8)
        bytes.append(contentsOf: body)
        return try HashFunction.sha256.hash(bytes)
    }

    /// A record's bucket. The records of one case (or of one person alone) share a bucket, so a command can check
    /// that case's complete set of records against the signed state by recomputing one bucket; documents are spread
    /// by id instead (a case can hold thousands, and commands do not re-check them).
    static func bucket(_ key: RecordKey, scope: String?) throws -> Int {
        let name = scope.map { key.kind == .document ? nil : "scope\u{0}" + $0 } ?? nil
        return Int(try HashFunction.sha256.hash(Array((name ?? "\(key.kind.rawValue)\u{0}\(key.id)").utf8))[0])
    }

    struct BucketEntry {
        let key: RecordKey
        let version: Int64
        let hash: [UInt8]
        let scope: String?
    }

    /// A bucket's digest: SHA-256 over its live records in (kind, id) order, each with its version, hash and scope.
    static func bucketDigest(_ entries: [BucketEntry]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            bytes += Array("\(entry.key.kind.rawValue)\u{0}\(entry.key.id)\u{0}\(entry.version)\u{0}\(entry.scope ?? "")\u{0}".utf8) + entry.hash
        }
        return try HashFunction.sha256.hash(bytes)
    }

    /// The live entries of the index rows given (one bucket's, read from the store).
    static func entries(_ states: [RecordStateRecord]) -> [BucketEntry] {
        states.compactMap { state in
            guard let hash = state.hash, let kind = RecordKind(rawValue: state.kind) else { return nil }
            return BucketEntry(key: RecordKey(kind: kind, id: state.recordID), version: state.version, hash: Array(hash), scope: state.scope)
        }
    }

    /// The state digest a checkpoint signs: a two-level Merkle tree, SHA-256 over the 256 bucket digests in order
    /// (an empty bucket's digest is that of no records). A change recomputes only its bucket.
    static func root(_ buckets: [Int: [UInt8]]) throws -> [UInt8] {
        let empty = try bucketDigest([])
        var bytes = Array("casevault-state-root/v1".utf8)
        for bucket in 0..<256 { bytes += buckets[bucket] ?? empty }
        return try HashFunction.sha256.hash(bytes)
    }
}
