/// Finds likely personal names that are not registered on the case, and registered people's first names
/// written alone once their surname is in the same text.
///
/// A name is a run of capitalised words with context: a title ("Mrs Okafor", "Dr A. Patel"), a relation
/// word ("my son Tom", "our neighbour, Bob Hale"), a salutation ("Dear Kevin,"), a signature after a
/// sign-off ("Kind regards,\nPriya"), or the open name list (a given name and a surname: "Arthur Bell"; a
/// given name alone only when it is not also an everyday word, a place or a month: "Kevin" yes, "Will"
/// no). Words of registered people's names and of short allow-listed phrases are never reported here: the
/// phrase matcher owns them (and keeps staff readable). Once found, a name's words are redacted wherever
/// else they stand capitalised in the text, so "Arthur" later in the letter goes too.
///
/// A class, not a struct: the pass's state holds it, and a struct this size was copied (`memcpy`) on every run
/// of capitalised words the pass reported on.
final class NameFinder: Sendable {
    /// A registered person whose first name alone counts once their surname appears.
    struct Conditional: Sendable {
        var first: UInt64
        var surname: UInt64
        var personID: String
        var role: PersonRole
    }

    /// Folded words of registered people's names and of allow-listed phrases of up to three words.
    let known: WordSet
    let conditionals: [Conditional]
    /// For each word of a registered name, the people (one bit each, the first 64) whose names hold it: a run
    /// of registered words that no one person's name holds ("Mrs Okafor-Ellis") is reported here, as no
    /// phrase covers all of it.
    let owners: WordTable<UInt32>
    /// The people of `owners` (its value is an index here, plus one).
    let ownerMasks: [UInt64]
    /// Words that stay readable: registered staff (unless staff are redacted), the client's name when the
    /// policy keeps it, and allow-listed phrases.
    let keptWords: WordSet
    /// A 4 Ki-bit filter on the conditional words' hashes: almost every word is ruled out without a loop over
    /// the people (with 64 bits, 20 people's first names and surnames set most of them).
    let conditionalFilter: [UInt64]
    /// Per word (group `conditionalGroups[hash] - 1`), the conditional people it names, in order: index << 2, bit 0
    /// surname, bit 1 first name (a loop over every conditional person per such word cost 385 instructions).
    let conditionalGroups: WordTable<UInt32>
    let conditionalStart: [Int32]
    let conditionalEntries: [Int32]
    let list = NameList.shared
    /// Hashes the run checks read from the finder, not from static constants (each read of a static ran
    /// `swift_once`, tens of thousands of times a MiB).
    let saint = NameFinder.saintWord, law = NameFinder.lawWord, signed = NameFinder.signedWord
    /// One bit (of 64, by the hash's low bits) per lower-case title: most short lower-case words skip the table.
    let lowerTitleBits = NameFinder.lowerTitleWords.reduce(UInt64(0)) { $0 | 1 << ($1 & 63) }

    init(context: RedactionContext, policy: RedactionPolicy) {
        var known: Set<UInt64> = []
        var conditionals: [Conditional] = []
        var owners: [UInt64: UInt64] = [:]
        var keptWords: Set<UInt64> = []
        for (number, person) in context.people.enumerated() {
            let parts = person.fullName.split(whereSeparator: { $0.isWhitespace || $0 == "-" }).map(String.init)
            for part in parts { known.insert(NameList.hash(part)) }
            let named = person.role != .staff || policy.redactStaff
            let kept = person.role == .client && policy.keepClientName
            for part in parts {
                if number < 64 { owners[NameList.hash(part), default: 0] |= 1 << UInt64(number) }
                if !named || kept { keptWords.insert(NameList.hash(part)) }
            }
            if named, !kept, !person.firstNameIsSafe, parts.count > 1, let first = parts.first, let last = parts.last {
                conditionals.append(Conditional(first: NameList.hash(first), surname: NameList.hash(last), personID: person.id, role: person.role))
            }
        }
        for term in context.allowList {
            let words = term.split(whereSeparator: { $0.isWhitespace })
            if words.count <= 3 { for word in words { known.insert(NameList.hash(String(word))) } }
            for word in words { keptWords.insert(NameList.hash(String(word))) }
        }
        precondition(owners.count < Int(UInt32.max), "too many name words for the owners table")
        let ownerWords = Array(owners.keys)
        self.owners = WordTable(Dictionary(uniqueKeysWithValues: ownerWords.enumerated().map { ($1, UInt32($0 + 1)) }))
        ownerMasks = ownerWords.map { owners[$0] ?? 0 }
        self.keptWords = WordSet(keptWords)
        self.known = WordSet(known)
        self.conditionals = conditionals
        var conditionalFilter = [UInt64](repeating: 0, count: 64)
        for person in conditionals {
            for hash in [person.first, person.surname] { conditionalFilter[Self.filterBit(hash) >> 6] |= 1 << UInt64(Self.filterBit(hash) & 63) }
        }
        self.conditionalFilter = conditionalFilter
        var groupOf: [UInt64: Int] = [:]
        var groups: [[Int32]] = []
        for (index, person) in conditionals.enumerated() {
            for hash in person.first == person.surname ? [person.surname] : [person.surname, person.first] {
                let bits = Int32(index << 2) | (hash == person.surname ? 1 : 0) | (hash == person.first ? 2 : 0)
                if groupOf[hash] == nil { groupOf[hash] = groups.count; groups.append([]) }
                groups[groupOf[hash] ?? 0].append(bits)
            }
        }
        precondition(conditionals.count < Int(Int32.max >> 2), "too many people for the conditional first-name table")
        conditionalGroups = WordTable(groupOf.mapValues { UInt32($0 + 1) })
        var conditionalStart: [Int32] = [0]
        var conditionalEntries: [Int32] = []
        for group in groups {
            conditionalEntries += group
            conditionalStart.append(Int32(conditionalEntries.count))
        }
        self.conditionalStart = conditionalStart
        self.conditionalEntries = conditionalEntries
    }

    @inline(__always) static func filterBit(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 32) & 4095 }

    @inline(__always) func mayBeConditional(_ hash: UInt64) -> Bool {
        let bit = Self.filterBit(hash)
        return conditionalFilter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// Appends what it finds to `spans`; nothing inside an `allowed` range (sorted, disjoint) is reported.
    func find(in bytes: UnsafeBufferPointer<UInt8>, allowed: [Range<Int>], lookalikes: LookalikeNames, into spans: inout [RedactionSpan]) {
        var scan = Scan(finder: self)
        NameToken.forEach(bytes) { scan.take($0.resolved(lookalikes, bytes)) }
        finish(&scan, bytes, allowed: allowed, into: &spans)
    }

    /// The end of a pass whose tokens were fed to `scan` (here, or by the shared pass, which learns the
    /// allow-listed ranges only at the end): what was found outside `allowed`, then the found names again
    /// wherever else they stand capitalised.
    func finish(_ scan: inout Scan, _ bytes: UnsafeBufferPointer<UInt8>, allowed: [Range<Int>], into spans: inout [RedactionSpan]) {
        scan.next = nil
        scan.endRun()
        scan.namesBeforeEmails(bytes, in: spans)
        for candidate in scan.firstNames where scan.surnamesSeen[candidate.person] {
            let person = conditionals[candidate.person]
            spans.append(RedactionSpan(start: candidate.start, end: candidate.end, kind: .personName, detector: .knownFirstName,
                                       personID: person.personID, role: person.role))
        }
        // A name inside an allowed range is dropped, and its words are not looked for elsewhere.
        var word = 0
        for (index, span) in scan.found.enumerated() {
            let inside = !allowed.isEmpty && Redactor.isInside(span, allowed)
            if !inside { spans.append(span) }
            while word < scan.foundWords.count, scan.foundWords[word].span == index {
                if !inside { scan.insertFound(scan.foundWords[word].hash) }
                word += 1
            }
        }
        guard !scan.foundSet.isEmpty else { return }
        // The same names wherever else they stand capitalised.
        for token in scan.capitalised where scan.mayBeFound(token.hash) && scan.foundSet.contains(token.hash) {
            let span = RedactionSpan(start: token.start, end: token.end, kind: .unregisteredName, detector: .repeatedName)
            if !Redactor.isInside(span, allowed) { spans.append(span) }
        }
    }

    /// The state of one pass: the recent words and the run of capitalised words being read.
    ///
    /// The helpers that only read the run (`before`, `flags(before:)`, `isNameWord`, `contextDetector`,
    /// `isListedName`, `isPersonAfterJob`) are `mutating` all the same: called from `endRun` (itself mutating) a
    /// non-mutating method got a copy of this 336-byte struct, one `memcpy` per call (43,000 a MiB in the release
    /// profile); a mutating one gets its address.
    struct Scan {
        let finder: NameFinder
        /// The last four words before the current run (a ring; `seen` counts every word put in).
        var ring = TokenRing()
        var seen = 0
        var run = RunBuffer()
        /// Where the run's last word goes on after a hyphen ("Quen-by"), while the run is being reported.
        var runTail: Int?
        /// The end of the last name-shaped word read.
        var seenCapitalisedEnd = -1
        /// What was found, before the allow-list is applied (in `finish`).
        var found: [RedactionSpan] = []
        /// The words of each found name (by its index in `found`), looked for elsewhere unless the name was allowed.
        var foundWords: [(span: Int, hash: UInt64)] = []
        var foundSet: Set<UInt64> = []
        /// A 1 Ki-bit filter on `foundWords`: every capitalised word is looked up, few were found.
        var foundFilter = [UInt64](repeating: 0, count: 16)
        var firstNames: [(start: Int, end: Int, person: Int)] = []
        /// Every capitalised word, so names found late are found again earlier without a second pass.
        var capitalised: [(start: Int, end: Int, hash: UInt64)] = []
        /// Per conditional person, whether their surname was seen (an array: a set hashed every insert).
        var surnamesSeen: [Bool]
        /// The end of a lower-case given name found after a title ("dr amara"): a lower-case surname may follow.
        var lowerNameEnd = -1
        /// Where the last title word starts and ends (`takeLower`).
        var titleStart = 0, titleEnd = Int.min / 2
        /// The word after the run being reported (nil at the end of the text).
        var next: NameToken?

        init(finder: NameFinder) {
            self.finder = finder
            surnamesSeen = [Bool](repeating: false, count: finder.conditionals.count)
        }

        /// Most words are lower-case words or numbers with no run of capitalised words waiting, no title just
        /// before and no name word just before: for them `take` only remembers the word, in a small function that
        /// saves few registers; every other word goes on to `takeAny`. (Inlined into the shared pass, this test
        /// cost 4.7 M instructions a MiB more than it saved: the pass's loop then kept less in registers.)
        @inline(never) mutating func take(_ token: NameToken) {
            if !token.isNameShaped, run.isEmpty, seenCapitalisedEnd != token.start - 1, lowerNameEnd < 0, token.start - titleEnd > 2,
               token.shape == .number || token.letters > 4 || finder.lowerTitleBits & (1 << (token.hash & 63)) == 0 {
                remember(token)
                return
            }
            takeAny(token)
        }

        @inline(never) mutating func takeAny(_ token: NameToken) {
            guard token.isNameShaped else {
                // "Quen-by": a lower-case part right after a hyphen inside a name word belongs to it, so a name
                // ending there is covered to the end of the part (and so is the word wherever it is repeated).
                let tail = seenCapitalisedEnd == token.start - 1 && token.shape == .lower && token.gap == .hyphen ? token.end : nil
                if let tail, let last = capitalised.last, last.end == token.start - 1 { capitalised[capitalised.count - 1].end = tail }
                if !run.isEmpty {
                    runTail = tail != nil && run[run.count - 1].token.end == token.start - 1 ? tail : nil
                    next = token
                    endRun()
                    runTail = nil
                }
                if token.shape == .lower { takeLower(token) }
                remember(token)
                return
            }
            seenCapitalisedEnd = token.end
            if token.shape == .capitalised || token.shape == .upper { capitalised.append((token.start, token.end, token.hash)) }
            let flags = finder.list.flags(token.hash)
            if flags.contains(.title), token.letters <= 4, NameFinder.capitalTitles.contains(token.hash) { noteTitle(token) }
            if let last = run.last {
                // A name wrapped at a line end in prose ("our neighbour Arthur\nBell"): a given name after a
                // lower-case word on its line, then a listed surname that is not a street, body or month word.
                // Address blocks and signatures (a line that is all name) do not join this way.
                let wrapped = token.gap == .newline && token.shape == .capitalised && run.count == 1 && last.flags.contains(.given)
                    && !last.token.gap.contains(.newline) && seen > 0 && ring[(seen - 1) & 3].shape == .lower
                    && flags.contains(.surname) && flags.isDisjoint(with: [.organisation, .stop, .title, .calendar])
                let joined = token.gap.isEmpty || token.gap == .hyphen || wrapped
                    || (token.gap == .period && (last.token.shape == .initial || last.flags.contains(.title)))
                if !joined || run.count == 8 {
                    next = token
                    endRun()
                }
            }
            run.append((token, flags))
        }

        @inline(__always) func mayBeFound(_ hash: UInt64) -> Bool {
            foundFilter[Int(hash >> 60)] & (1 << ((hash >> 54) & 63)) != 0
        }

        mutating func insertFound(_ hash: UInt64) {
            foundSet.insert(hash)
            foundFilter[Int(hash >> 60)] |= 1 << ((hash >> 54) & 63)
        }

        @inline(__always) mutating func remember(_ token: NameToken) {
            ring[seen & 3] = token
            seen += 1
        }

        mutating func noteConditional(_ token: NameToken) {
            let group = Int(finder.conditionalGroups[token.hash])
            guard group > 0 else { return }
            for entry in finder.conditionalEntries[Int(finder.conditionalStart[group - 1])..<Int(finder.conditionalStart[group])] {
                let index = Int(entry >> 2)
                if entry & 1 != 0 { surnamesSeen[index] = true }
                if entry & 2 != 0 { firstNames.append((token.start, token.end, index)) }
            }
        }

        /// The word `back` places before run position `index` (0 = the word right before it). Inlined: a call
        /// returned the 41-byte optional token through memory, several times per run (2.0 M instructions a MiB).
        @inline(__always) mutating func before(_ index: Int, back: Int = 0) -> NameToken? {
            let position = index - 1 - back
            if position >= 0 { return run[position].token }
            let older = -position - 1
            return older < min(seen, 4) ? ring[(seen - 1 - older) & 3] : nil
        }

        mutating func flags(before index: Int, back: Int = 0) -> NameList.Flags {
            guard let token = before(index, back: back) else { return [] }
            return index - 1 - back >= 0 ? run[index - 1 - back].flags : finder.list.flags(token.hash)
        }

        /// A word that can be part of a name: capitalised (or an initial), not a role, body, month or title.
        mutating func isNameWord(_ index: Int, afterTitle: Bool = false) -> Bool {
            let (token, flags) = run[index]
            if flags.contains(.stop) || flags.contains(.title) { return false }
            // Capitals alone ("NHS", "PALS", "MRS OKAFOR") make a name only after a title or from the list.
            if token.shape == .upper && !afterTitle { return flags.contains(.given) || flags.contains(.surname) }
            return true
        }

        mutating func endRun() {
            defer {
                for position in 0..<run.count { remember(run[position].token) }
                run.removeAll()
            }
            // Registered first names and surnames, unless they name a street or body ("Ellis Road").
            for position in run.indices where finder.mayBeConditional(run[position].token.hash) {
                guard run[position].token.shape != .initial else { continue }
                if position + 1 < run.count, run[position + 1].flags.contains(.organisation) { continue }
                noteConditional(run[position].token)
            }
            var index = 0
            while index < run.count {
                // Title + name: "Mrs Okafor", "Dr. A. Patel", "Staff Nurse Bell".
                if run[index].flags.contains(.title), run[index].token.shape != .initial {
                    var last = index
                    while last + 1 < run.count, last - index < 4, isNameWord(last + 1, afterTitle: true) { last += 1 }
                    while last > index, run[last].token.shape == .initial { last -= 1 }
                    if last > index {
                        report(from: index + 1, through: last, spanStart: run[index].token.start, detector: .titledName, strong: true)
                        index = last + 1
                        continue
                    }
                    index += 1
                    continue
                }
                guard isNameWord(index) else { index += 1; continue }
                var last = index
                while last + 1 < run.count, last - index < 3, isNameWord(last + 1) { last += 1 }
                // "James Paget University Hospital", "Hope Street": the words name a place or body.
                // "St Mary's ward": a saint.
                if last + 1 < run.count && run[last + 1].flags.contains(.organisation) || before(index)?.hash == finder.saint {
                    index = last + 2
                    continue
                }
                if let detector = contextDetector(index) {
                    report(from: index, through: last, spanStart: run[index].token.start, detector: detector, strong: true)
                    index = last + 1
                } else if isListedName(index, last) {
                    report(from: index, through: last, spanStart: run[index].token.start, detector: .listedName, strong: false)
                    index = last + 1
                } else {
                    // "Yesterday Kevin Bell…": the name may start one word later.
                    index += 1
                }
            }
        }

        mutating func report(from first: Int, through last: Int, spanStart: Int, detector: Detector, strong: Bool) {
            var allKnown = true
            for position in first...last where run[position].token.shape != .initial && !finder.known.contains(run[position].token.hash) {
                allKnown = false
            }
            if allKnown {
                // Most such runs are one registered person's name (the phrase matcher's): one lookup a word.
                guard first < last else { return }
                var common = UInt64.max
                for position in first...last where run[position].token.shape != .initial {
                    let owner = Int(finder.owners[run[position].token.hash])
                    common &= owner > 0 ? finder.ownerMasks[owner - 1] : 0
                }
                guard common == 0 else { return }
                if (first...last).contains(where: { finder.keptWords.contains(run[$0].token.hash) }) {
                    // "Mrs Ellis-Okafor" with the client's name kept: the other person's words alone go.
                    for position in first...last where run[position].token.shape != .initial && !finder.keptWords.contains(run[position].token.hash) {
                        let token = run[position].token
                        found.append(RedactionSpan(start: token.start, end: token.end, kind: .unregisteredName, detector: detector))
                    }
                    return
                }
            }
            let end = last == run.count - 1 ? runTail ?? run[last].token.end : run[last].token.end
            found.append(RedactionSpan(start: spanStart, end: end, kind: .unregisteredName, detector: detector))
            for position in first...last {
                let (token, flags) = run[position]
                guard token.letters >= 3, !finder.known.contains(token.hash), strong || !flags.contains(.common) else { continue }
                foundWords.append((found.count - 1, token.hash))
            }
        }
    }

    static let lawWord = NameList.hash("law")
    static let saintWord = NameList.hash("st")
    static let signedWord = NameList.hash("signed")
}
