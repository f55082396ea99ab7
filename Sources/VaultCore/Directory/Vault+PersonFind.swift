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
    public func findPeople(matching text: String) throws -> [PersonView] { try findPeople(matching: text, batchRows: nil) }

    /// What the table of `person find` shows of someone found.
    public struct FoundPerson: Sendable, Equatable {
        public let id: String
        public let name: String
        public let dob: String?
    }

    /// The same people as `findPeople(matching:)`, with only what a table shows: the names opened by the scan are
    /// kept and only the dates of birth of those found are opened (a common surname finds thousands of 100 000).
    public func findPeopleShown(matching text: String) throws -> [FoundPerson] { try findPeopleShown(matching: text, batchRows: nil) }

    /// `batchRows`: how many people each part of the scan holds (nil: 8 192); tests ask for small parts to check the
    /// split changes nothing.
    func findPeople(matching text: String, batchRows: Int?) throws -> [PersonView] {
        try guarded { try store.read { tx in
            let matches = try matchPeople(text, keepNames: false, batchRows: batchRows, in: tx)
            // The people found, read in one query and opened with the cipher contexts the scan's keys cached.
            let ids = matches.map(\.id)
            let found = try tx.people(ids: ids)
            if found.count != ids.count, let missing = Set(ids).subtracting(found.map(\.id)).first { throw VaultError.notFound(kind: "person", id: missing) }
            return try found.map { try view($0, in: tx) }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        } }
    }

    func findPeopleShown(matching text: String, batchRows: Int?) throws -> [FoundPerson] {
        try guarded { try store.read { tx in
            let matches = try matchPeople(text, keepNames: true, batchRows: batchRows, in: tx)
            return try matches.map { match in
                func open(_ sealed: Data?, _ column: String) throws -> String? {
                    try sealed.map { String(decoding: try openPersonField($0, column: column, personID: match.id, in: tx), as: UTF8.self) }
                }
                return FoundPerson(id: match.id, name: try match.name ?? open(match.nameSealed, "name") ?? "", dob: try open(match.dobSealed, "dob"))
            }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        } }
    }

    /// Someone the scan found: their name when the scan opened it (and was asked to keep it).
    struct PersonMatch: Sendable {
        let id: String
        let name: String?
        let nameSealed: Data
        let dobSealed: Data?
    }

    /// The people this account may see who match, in the order the store reads them. The rows are read in batches, and
    /// each batch is scanned on another core while the next is read, with its own cipher contexts (one is not safe to
    /// share); a field that fails to open throws, as one read alone would. People's fields are sealed under the keys
    /// their headers name (Vault+PersonSealing): before a batch is handed over, the field keys it needs are unwrapped
    /// here, where the transaction is, and someone under a key this account does not hold is left out, not opened.
    private func matchPeople(_ text: String, keepNames: Bool, batchRows: Int?, in tx: any VaultRecordReading) throws -> [PersonMatch] {
        let account = try account(in: tx)
        // The same people as `visiblePeople`, without putting every registered person's id in a set first.
        let onCases = try peopleOnVisibleCases(as: account, in: tx)
        let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
        // Field keys by the header bytes that name them (empty: an earlier release's field, under the metadata key);
        // nil for a key not held.
        var fieldKeys: [[UInt8]: SecureBytes?] = [[]: try KeyHierarchy.fieldKey(metadataKey)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // "943 476 5919", "943-476-5919" and "943.476.5919" alike.
        let digits = String(text.filter(\.isNumber))
        let nhsIndex = try (digits.count == 10 ? try? Validation.nhsNumber(digits) : nil).map {
            try KeyHierarchy.blindIndex($0, field: "people.nhs_number", metadataKey: metadataKey)
        }
        let criteria = PersonCriteria(name: NameQuery(text), nhsIndex: nhsIndex,
                                      dateOfBirth: (try? Validation.date(trimmed, field: "")) != nil ? Array(trimmed.utf8) : nil)
        let accountID = account.id
        let results = BatchResults<[PersonMatch]>()
        let group = DispatchGroup()
        var batches = 0
        defer { group.wait() }
        try tx.personSearchRows(batchRows: max(1, batchRows ?? 8_192)) { rows in
            let batch = batches
            batches += 1
            // The visible people whose name's key is held, in one pass. Consecutive rows mostly share the last row's
            // header, which is then compared in place: no array made and hashed per row.
            var scanned: [PersonSearchRow] = []
            scanned.reserveCapacity(rows.count)
            var last: (header: [UInt8], held: Bool)?
            for row in rows where !row.erased && (row.addedBy == accountID || onCases.contains(row.id)) {
                if let last, Self.hasHeader(row.nameSealed, last.header) {
                    if last.held { scanned.append(row) }
                    continue
                }
                let header = Self.keyHeader(row.nameSealed)
                if fieldKeys[header] == nil, let (ref, _) = PersonSealing.parse(row.nameSealed) {
                    guard KeyHierarchy.organisationID(ofScope: ref.scope) != nil || KeyHierarchy.caseID(ofScope: ref.scope) != nil else {
                        throw VaultError.damagedField(table: "people", column: "name", rowID: row.id)
                    }
                    do {
                        fieldKeys[header] = .some(try KeyHierarchy.fieldKey(try dataKey(scope: ref.scope, version: ref.version, in: tx)))
                    } catch VaultError.keyNotHeld {
                        fieldKeys[header] = .some(nil)
                    }
                }
                let held = fieldKeys[header].map { $0 != nil } ?? false
                last = (header, held)
                if held { scanned.append(row) }
            }
            let keys = fieldKeys.compactMapValues { $0 }
            DispatchQueue.global().async(group: group) { [scanned] in
                results.set(batch, Result {
                    try Self.scan(scanned, 0..<scanned.count, criteria, keepNames: keepNames, keys: keys)
                })
            }
        }
        group.wait()
        return try results.all(count: batches).flatMap { try $0.get() }
    }

    /// What a person is compared on.
    struct PersonCriteria: Sendable {
        let name: NameQuery
        let nhsIndex: Data?
        /// The date typed (YYYY-MM-DD), when it is one.
        let dateOfBirth: [UInt8]?
    }

    /// The header of a person's field (Vault+PersonSealing), empty for a field under the metadata key.
    static func keyHeader(_ sealed: Data) -> [UInt8] {
        let length = PersonSealing.headerLength(sealed)
        return length == 0 ? [] : Array(sealed.prefix(length))
    }

    /// Whether `keyHeader(sealed) == header`, for a header that is not empty, without making an array: a field that
    /// starts with a whole header and is longer than it has that header.
    static func hasHeader(_ sealed: Data, _ header: [UInt8]) -> Bool {
        !header.isEmpty && sealed.count > header.count && sealed.withUnsafeBytes { bytes in
            header.withUnsafeBytes { memcmp(bytes.baseAddress!, $0.baseAddress!, header.count) == 0 }
        }
    }

    private static func scan(_ rows: [PersonSearchRow], _ range: Range<Int>, _ criteria: PersonCriteria, keepNames: Bool,
                             keys: [[UInt8]: SecureBytes]) throws -> [PersonMatch] {
        var found: [PersonMatch] = []
        // One cipher context per key, made when first needed; consecutive rows mostly share the last one.
        var openers: [[UInt8]: AESGCM.Opener] = [:]
        var last: (header: [UInt8], opener: AESGCM.Opener, offset: Int)?
        func opener(for sealed: Data) throws -> (AESGCM.Opener, Int) {
            if let last, hasHeader(sealed, last.header) { return (last.opener, last.offset) }
            let header = keyHeader(sealed)
            guard let key = keys[header] else { throw VaultError.keyNotHeld(scope: "", account: "") }
            let made = try openers[header] ?? AESGCM.Opener(key: key)
            openers[header] = made
            last = (header, made, header.count)
            return (made, header.count)
        }
        // The AAD `KeyHierarchy.open` builds for a person's field is this prefix and the row's id.
        let namePrefix = KeyHierarchy.fieldAAD(table: "people", column: "name", rowID: "")
        let dobPrefix = KeyHierarchy.fieldAAD(table: "people", column: "dob", rowID: "")
        let name = criteria.name
        let scratch = FieldScratch()
        func match(_ row: PersonSearchRow, name: String? = nil) -> PersonMatch {
            PersonMatch(id: row.id, name: name, nameSealed: row.nameSealed, dobSealed: row.dobSealed)
        }
        // Rows are read in place (a copy of each would retain and release its five references).
        try rows.withUnsafeBufferPointer { rows in
            for index in range {
                if let nhsIndex = criteria.nhsIndex, rows[index].nhsNumberIndex == nhsIndex { found.append(match(rows[index])); continue }
                if let date = criteria.dateOfBirth, let dob = rows[index].dobSealed {
                    let (opener, offset) = try opener(for: dob)
                    if try scratch.open(dob, from: offset, prefix: dobPrefix, id: rows[index].id, column: "dob", opener: opener, { $0.elementsEqual(date) }) {
                        found.append(match(rows[index])); continue
                    }
                }
                if !name.words.isEmpty {
                    // The name of someone found is kept from here when asked: it is not opened a second time.
                    let (opener, offset) = try opener(for: rows[index].nameSealed)
                    let opened = try scratch.open(rows[index].nameSealed, from: offset, prefix: namePrefix, id: rows[index].id, column: "name",
                                                  opener: opener) {
                        name.matches(utf8: $0) ? (keepNames ? String(decoding: $0, as: UTF8.self) : "") : nil
                    }
                    if let opened { found.append(match(rows[index], name: keepNames ? opened : nil)) }
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
    /// `offset`: where the box starts, after the field's key header (0 for a field under the metadata key).
    func open<T>(_ sealed: Data, from offset: Int, prefix: [UInt8], id: String, column: String, opener: AESGCM.Opener,
                 _ body: (UnsafeRawBufferPointer) -> T) throws -> T {
        do {
            var idBytes = id
            return try idBytes.withUTF8 { idBytes in
                let aadCount = prefix.count + idBytes.count
                guard aadCount <= aad.count, sealed.count <= plaintext.count else {
                    // A field larger than the buffers (none is, in practice): opened the ordinary way.
                    return try KeyHierarchy.open(sealed.dropFirst(offset), opener: opener, table: "people", column: column, rowID: id)
                        .withUnsafeBytes(body)
                }
                prefix.withUnsafeBytes { aad.copyMemory(from: $0) }
                UnsafeMutableRawBufferPointer(rebasing: aad[prefix.count...]).copyMemory(from: UnsafeRawBufferPointer(idBytes))
                let length = try sealed.withUnsafeBytes { whole in
                    try opener.open(combined: UnsafeRawBufferPointer(rebasing: whole[offset...]),
                                    authenticating: UnsafeRawBufferPointer(rebasing: aad[0..<aadCount]), into: plaintext)
                }
                return body(UnsafeRawBufferPointer(rebasing: plaintext[0..<length]))
            }
        } catch {
            throw VaultError.damagedField(table: "people", column: column, rowID: id)
        }
    }
}

/// One result per batch of a pipelined scan, set from the worker threads.
private final class BatchResults<T: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `results` holds `lock`.
    private var results: [Int: Result<T, any Error>] = [:]
    private let lock = NSLock()

    func set(_ index: Int, _ value: Result<T, any Error>) { lock.withLock { results[index] = value } }
    func all(count: Int) -> [Result<T, any Error>] {
        lock.withLock { (0..<count).map { results[$0] ?? .failure(VaultError.invalidInput("a part of the search was not scanned")) } }
    }
}
