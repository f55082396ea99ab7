import Foundation
import VaultCrypto

/// `person find`: decrypt and scan, with no index of names anywhere (SECURITY.md, "Search"). Over 100 000 people it
/// must answer in 0.2 s, so it reads only the columns it compares, opens each name into one reused buffer with one
/// keyed cipher context per core, folds ASCII names byte by byte, and splits the people between the cores.
extension Vault {
    /// People whose name matches `text` (partial, any order, case and accents ignored, titles skipped), or whose NHS
    /// number or date of birth is `text`, among those this account may see. An NHS number is compared by its keyed
    /// index and a date of birth opened only when the text is a date, so each person costs one decryption, and only
    /// the people found are opened in full.
    public func findPeople(matching text: String) throws -> [PersonView] { try findPeople(matching: text, slices: nil) }

    /// `slices`: how many parts the people are split into (nil: one per core, one below 2 000 people); tests ask
    /// for several on a few people to check the split changes nothing.
    func findPeople(matching text: String, slices: Int?) throws -> [PersonView] {
        try guarded { try store.read { tx in
            let account = try account(in: tx)
            let rows = try tx.personSearchRows()
            // The same people as `visiblePeople`, without putting every registered person's id in a set first.
            let onCases = try peopleOnVisibleCases(as: account, in: tx)
            let candidates = rows.filter { !$0.erased && ($0.addedBy == account.id || onCases.contains($0.id)) }
            let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
            let fieldKey = try KeyHierarchy.fieldKey(metadataKey)
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            // "943 476 5919", "943-476-5919" and "943.476.5919" alike.
            let digits = String(text.filter(\.isNumber))
            let nhsIndex = try (digits.count == 10 ? try? Validation.nhsNumber(digits) : nil).map {
                try KeyHierarchy.blindIndex($0, field: "people.nhs_number", metadataKey: metadataKey)
            }
            let criteria = PersonCriteria(name: NameQuery(text), nhsIndex: nhsIndex,
                                          dateOfBirth: (try? Validation.date(trimmed, field: "")) != nil ? Array(trimmed.utf8) : nil)
            let matched = try Self.scan(candidates, criteria, fieldKey: fieldKey, slices: slices)
            // The people found, read in one query and opened with one cipher context (a common surname finds thousands).
            let opener = try AESGCM.Opener(key: fieldKey)
            let ids = matched.map { candidates[$0].id }
            let found = try tx.people(ids: ids)
            if found.count != ids.count, let missing = Set(ids).subtracting(found.map(\.id)).first { throw VaultError.notFound(kind: "person", id: missing) }
            return try found.map { try view($0, opener: opener) }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        } }
    }

    /// What a person is compared on.
    struct PersonCriteria: Sendable {
        let name: NameQuery
        let nhsIndex: Data?
        /// The date typed (YYYY-MM-DD), when it is one.
        let dateOfBirth: [UInt8]?
    }

    /// Indexes into `rows` of the people who match, in order. Slices of the rows go to every core, each with its own
    /// cipher context (one is not safe to share); a field that fails to open throws, as one read alone would.
    static func scan(_ rows: [PersonSearchRow], _ criteria: PersonCriteria, fieldKey: SecureBytes, slices: Int? = nil) throws -> [Int] {
        let slices = max(1, slices ?? (rows.count < 2_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount))
        let results = ScanResults(count: slices)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (rows.count * slice / slices)..<(rows.count * (slice + 1) / slices)
            results.set(slice, Result { try scan(rows, range, criteria, opener: try AESGCM.Opener(key: fieldKey)) })
        }
        return try results.all().flatMap { try $0.get() }
    }

    private static func scan(_ rows: [PersonSearchRow], _ range: Range<Int>, _ criteria: PersonCriteria, opener: AESGCM.Opener) throws -> [Int] {
        var found: [Int] = []
        // The AAD `KeyHierarchy.open` builds for a person's field is this prefix and the row's id.
        let namePrefix = KeyHierarchy.fieldAAD(table: "people", column: "name", rowID: "")
        let dobPrefix = KeyHierarchy.fieldAAD(table: "people", column: "dob", rowID: "")
        let name = criteria.name
        let scratch = FieldScratch()
        // Rows are read in place (a copy of each would retain and release its five references).
        try rows.withUnsafeBufferPointer { rows in
            for index in range {
                if let nhsIndex = criteria.nhsIndex, rows[index].nhsNumberIndex == nhsIndex { found.append(index); continue }
                if let date = criteria.dateOfBirth, let dob = rows[index].dobSealed,
                   try scratch.open(dob, prefix: dobPrefix, id: rows[index].id, column: "dob", opener: opener, { $0.elementsEqual(date) }) {
                    found.append(index); continue
                }
                if !name.words.isEmpty,
                   try scratch.open(rows[index].nameSealed, prefix: namePrefix, id: rows[index].id, column: "name", opener: opener, { name.matches(utf8: $0) }) {
                    found.append(index)
                }
            }
        }
        return found
    }
}

/// The AAD and plaintext buffers of one scanning thread, allocated once: a person's field is opened into them with
/// no allocation (and no exclusivity check on captured variables) per row. The plaintext is wiped when done.
private final class FieldScratch {
    private let aad = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
    private let plaintext = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)

    deinit {
        plaintext.initializeMemory(as: UInt8.self, repeating: 0)
        aad.deallocate()
        plaintext.deallocate()
    }

    /// Opens the field and hands its plaintext to `body`.
    func open<T>(_ sealed: Data, prefix: [UInt8], id: String, column: String, opener: AESGCM.Opener,
                 _ body: (UnsafeRawBufferPointer) -> T) throws -> T {
        do {
            var idBytes = id
            return try idBytes.withUTF8 { idBytes in
                let aadCount = prefix.count + idBytes.count
                guard aadCount <= aad.count, sealed.count <= plaintext.count else {
                    // A field larger than the buffers (none is, in practice): opened the ordinary way.
                    return try KeyHierarchy.open(sealed, opener: opener, table: "people", column: column, rowID: id).withUnsafeBytes(body)
                }
                prefix.withUnsafeBytes { aad.copyMemory(from: $0) }
                UnsafeMutableRawBufferPointer(rebasing: aad[prefix.count...]).copyMemory(from: UnsafeRawBufferPointer(idBytes))
                let length = try sealed.withUnsafeBytes { box in
                    try opener.open(combined: box, authenticating: UnsafeRawBufferPointer(rebasing: aad[0..<aadCount]), into: plaintext)
                }
                return body(UnsafeRawBufferPointer(rebasing: plaintext[0..<length]))
            }
        } catch {
            throw VaultError.damagedField(table: "people", column: column, rowID: id)
        }
    }
}

/// One result per slice of a parallel scan, set from the worker threads.
private final class ScanResults: @unchecked Sendable {
    private var results: [Result<[Int], any Error>]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: .success([]), count: count) }

    func set(_ index: Int, _ value: Result<[Int], any Error>) { lock.withLock { results[index] = value } }
    func all() -> [Result<[Int], any Error>] { lock.withLock { results } }
}
