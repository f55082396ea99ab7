/// Names the reader of capitalised runs does not see: a name typed in lower case after a title ("dr okonjo",
/// "Mrs platt": careless typing, or a sender who knows the finder looks for capitals), and a "Surname
/// Initial" run into the e-mail address after it ("Okonjo A.amara.okonjo@nhs.net", "Hughes Kkaren.hughes@…"),
/// where the address is boxed and the name before it would stay readable.
extension NameFinder {
    /// Titles that, in lower case, are followed by a name ("miss" is left out: "I miss my mum").
    static let lowerTitleWords = ["mr", "mrs", "ms", "mx", "dr", "prof"].map(NameList.hash)
    static let lowerTitles = WordSet(lowerTitleWords)
    /// The same titles capitalised, and "Miss" ("Lord", "Sir", "Lady" are left out: "Lord knows").
    static let capitalTitles = WordSet(["mr", "mrs", "ms", "mx", "dr", "prof", "miss"].map(NameList.hash))
    /// Lower-case words that follow such a title without being a name ("dr said", "mr and mrs", "ms teams").
    static let notNamesAfterTitle = WordSet([
        "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "at", "by", "for", "from", "with", "about", "as", "is", "was",
        "were", "are", "be", "been", "being", "said", "says", "say", "told", "tells", "asked", "asks", "who", "whom", "whose", "which",
        "that", "this", "will", "would", "can", "could", "should", "shall", "may", "might", "must", "has", "had", "have", "did", "does",
        "do", "not", "no", "it", "he", "she", "they", "his", "her", "their", "then", "also", "again", "too", "so", "if", "when", "came",
        "come", "rang", "phoned", "called", "wrote", "saw", "seen", "thinks", "thought", "explained", "agreed", "stated", "replied",
        "teams", "word", "excel", "office", "appointment", "appt", "letter", "note", "notes", "visit", "visited", "here", "there",
    ].map(NameList.hash))
    /// Flags of words that are never a lower-case name after a title.
    static let notNameFlags: NameList.Flags = [.stop, .title, .calendar, .organisation, .relation, .determiner, .salutation,
                                               .signOff, .role, .naming, .personNoun]

    /// Whether a lower-case word after a title reads as a name: any word but the function words, verbs and
    /// everyday nouns above (the open name list is not needed: "dr okonjo" is found as "mrs platt" is).
    func isLowerName(_ token: NameToken) -> Bool {
        guard token.shape == .lower, token.letters >= 2, !Self.notNamesAfterTitle.contains(token.hash) else { return false }
        return list.flags(token.hash).isDisjoint(with: Self.notNameFlags)
    }
}

extension NameFinder.Scan {
    /// Modal verbs that are also names ("Will", "May"), capitalised in title-case text.
    static let modals = WordSet(["will", "may", "can", "must", "shall", "might", "would", "could", "should"].map(NameList.hash))

    /// A listed name right after a job word is a person ("HCA Baxter", "Ward Manager Brown said…",
    /// "Healthcare Assistant Moss the bloods") unless the words after it name a place or body ("Practice
    /// Manager Green Lane Surgery"), or it is a modal verb with a verb after it ("the Ward Manager Will call").
    mutating func isPersonAfterJob(_ index: Int) -> Bool {
        var position = index + 1
        while position < run.count, position - index <= 3 {
            if run[position].flags.contains(.organisation) { return false }
            position += 1
        }
        guard index == run.count - 1, let next, next.shape == .lower, next.gap.isEmpty else { return true }
        return !Self.modals.contains(run[index].token.hash)
    }

    /// A lower-case word: a name when a title stands right before it (the title is in the span too), and a
    /// second lower-case word after a listed given name found that way ("dr amara okonjo"). The title is
    /// remembered by where it ends (`noteTitle`), so most words cost a comparison, not a look at the word before.
    @inline(__always) mutating func takeLower(_ token: NameToken) {
        guard token.letters >= 2 else { return }
        if lowerNameEnd >= 0 {
            let end = lowerNameEnd
            lowerNameEnd = -1
            // From the end of the given name, so the two spans touch and are merged into one.
            if token.gap.isEmpty, token.start - end == 1, finder.isLowerName(token) { reportLower(start: end, token) }
            return
        }
        if token.start - titleEnd <= 2, token.gap.isSubset(of: [.period]), finder.isLowerName(token) {
            reportLower(start: titleStart, token)
            if finder.list.flags(token.hash).contains(.given) { lowerNameEnd = token.end }
            return
        }
        // Most short words are ruled out by one bit of the hash before the title table is looked up.
        if token.letters <= 4, finder.lowerTitleBits & (1 << (token.hash & 63)) != 0, NameFinder.lowerTitles.contains(token.hash) { noteTitle(token) }
    }

    /// A title ("mrs", "Dr", "MRS"): a lower-case word right after it is a name.
    @inline(__always) mutating func noteTitle(_ token: NameToken) {
        titleStart = token.start
        titleEnd = token.end
    }

    private mutating func reportLower(start: Int, _ token: NameToken) {
        // A registered person's words are the phrase matcher's ("mrs platt" is one of their spellings); staff
        // and allow-listed words stay readable.
        guard !finder.known.contains(token.hash) else { return }
        found.append(RedactionSpan(start: start, end: token.end, kind: .unregisteredName, detector: .titledName))
        if token.letters >= 3 { foundWords.append((found.count - 1, token.hash)) }
    }

    /// Names written right before an e-mail address on the same line, after `spans` (which hold the
    /// addresses the shape detectors found): "Okonjo A amara.okonjo@nhs.net", "Okonjo A <…>", and with the
    /// initial run into the address ("Okonjo A.amara.okonjo@…", "Hughes Kkaren.hughes@…"). The word is a
    /// name when the open name list holds it or the address's local part contains it.
    /// The spans are read in place and only the e-mail addresses copied: `for email in spans` copied every span
    /// (retaining and releasing its person id), 3.5 M instructions a MiB for the few addresses among them.
    mutating func namesBeforeEmails(_ bytes: UnsafeBufferPointer<UInt8>, in spans: [RedactionSpan]) {
        spans.withUnsafeBufferPointer { spans in
            for index in spans.indices where spans[index].detectorID == .email && spans[index].kind == .email {
                guard let span = nameBefore(spans[index], bytes) else { continue }
                found.append(span.span)
                foundWords.append((found.count - 1, span.hash))
            }
        }
    }

    private func nameBefore(_ email: RedactionSpan, _ bytes: UnsafeBufferPointer<UInt8>) -> (span: RedactionSpan, hash: UInt64)? {
        var index = email.start
        var skipped = 0
        while index > 0, skipped < 3, Self.isBeforeEmail(bytes[index - 1]) {
            index -= 1
            skipped += 1
        }
        // An initial ("A", "A.") between the word and the address; one run into the address is inside it.
        var initialEnd: Int?
        if index >= 3, bytes[index - 1] == UInt8(ascii: "."), Self.isUpper(bytes[index - 2]), bytes[index - 3] == UInt8(ascii: " ") {
            initialEnd = index
            index -= 3
        } else if index >= 2, Self.isUpper(bytes[index - 1]), bytes[index - 2] == UInt8(ascii: " ") {
            initialEnd = index
            index -= 2
        }
        guard initialEnd != nil || skipped > 0 else { return nil }
        // The capitalised word ending at `index` (a binary search of the pass's capitalised words).
        var low = 0, high = capitalised.count
        while low < high {
            let middle = (low + high) / 2
            if capitalised[middle].end < index { low = middle + 1 } else { high = middle }
        }
        guard low < capitalised.count, capitalised[low].end == index else { return nil }
        let word = capitalised[low]
        guard word.end - word.start >= 3, !finder.keptWords.contains(word.hash) else { return nil }
        let flags = finder.list.flags(word.hash)
        guard flags.isDisjoint(with: NameFinder.notNameFlags) else { return nil }
        if !(flags.contains(.surname) || flags.contains(.given)) && !Self.localPart(of: email, bytes, contains: word.start..<word.end) { return nil }
        // "Amara Okonjo a.okonjo@…": a given name right before it goes too.
        var start = word.start
        if low > 0, capitalised[low - 1].end == word.start - 1, bytes[word.start - 1] == UInt8(ascii: " "),
           !finder.keptWords.contains(capitalised[low - 1].hash) {
            let before = finder.list.flags(capitalised[low - 1].hash)
            if before.contains(.given), before.isDisjoint(with: NameFinder.notNameFlags) { start = capitalised[low - 1].start }
        }
        // A box of its own, not run on to the address: a registered name there keeps its own kind and person
        // in the redaction log (touching spans are merged, the address's kind winning).
        return (RedactionSpan(start: start, end: initialEnd ?? word.end, kind: .unregisteredName, detector: .emailName), word.hash)
    }

    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    /// A space, "<", "(", ":" or tab between a name and its e-mail address.
    static func isBeforeEmail(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ":") || byte == 0x09
    }

    /// Whether the letters of `word` appear, ignoring case, in the part of `email` before its "@".
    static func localPart(of email: RedactionSpan, _ bytes: UnsafeBufferPointer<UInt8>, contains word: Range<Int>) -> Bool {
        var at = email.start
        while at < email.end, bytes[at] != UInt8(ascii: "@") { at += 1 }
        let length = word.count
        guard at - email.start >= length else { return false }
        for start in email.start...(at - length) {
            var same = true
            for offset in 0..<length where Bytes.lower(bytes[start + offset]) != Bytes.lower(bytes[word.lowerBound + offset]) {
                same = false
                break
            }
            if same { return true }
        }
        return false
    }
}
