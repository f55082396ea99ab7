import Foundation

/// UK street addresses of anyone, registered or not: a house number and capitalised words ending in a
/// street word ("14 Mill Lane", "3a St John's Rd"), with the town after a comma ("14 Mill Lane,
/// Wymondham"); flat and apartment lines ("Flat 3", "Apartment 12B", "Flat 2, 14 Mill Lane", "Flat 3, Rose
/// Court"); and the lines of an address block that ends in a postcode (up to five lines above it that
/// look like address lines: short, capitalised, no sentence punctuation, no organisation words).
///
/// Only lines with a digit are looked at closely, so prose costs one pass over its bytes. "Way forward",
/// "Court of Protection", "St Mary's ward", dates and sums are not addresses: a street needs a house
/// number (not after £ or $) and at least one capitalised word before its street word.
enum AddressDetector {
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, into spans: inout [RedactionSpan]) {
        let count = bytes.count
        var lineStart = 0
        var hasDigit = false
        var index = 0
        while index <= count {
            if index == count || bytes[index] == UInt8(ascii: "\n") {
                if hasDigit { scanLine(bytes, lineStart..<index, into: &spans) }
                lineStart = index + 1
                hasDigit = false
            } else if bytes[index] &- 0x30 < 10 {
                hasDigit = true
            }
            index += 1
        }
    }

    static func scanLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into spans: inout [RedactionSpan]) {
        var index = line.lowerBound
        var covered = line.lowerBound
        while index < line.upperBound {
            if isCandidate(bytes, at: index) { at(index, bytes, line: line, covered: &covered, skipTo: &index, into: &spans) }
            index += 1
        }
    }

    /// Where an address may start: a word start (no letter, digit or non-ASCII byte before it) with a digit,
    /// or with a letter and a digit one or two bytes on (a postcode).
    @inline(__always) static func isCandidate(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = bytes[index]
        guard !Bytes.isAlnum(at: index - 1, bytes) else { return false }
        return Bytes.isDigit(byte) || Bytes.isLetter(byte) && (Bytes.isDigit(at: index + 1, bytes) || Bytes.isDigit(at: index + 2, bytes))
    }

    /// A street or flat from the house number at `index` (not inside one found before: `covered`), or an
    /// address block ending in the postcode at `index` (what follows it on the line is skipped: `skipTo`
    /// becomes its last byte).
    @inline(__always)
    static func at(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Range<Int>, covered: inout Int, skipTo: inout Int,
                   into spans: inout [RedactionSpan]) {
        if Bytes.isDigit(bytes[index]) {
            guard index >= covered else { return }
            if let end = flat(bytes, numberAt: index, line: line) ?? street(bytes, numberAt: index, line: line) {
                spans.append(RedactionSpan(start: end.start, end: end.end, kind: .address, detector: .streetAddress))
                covered = end.end
            }
        } else if let postcode = Postcode.match(bytes, at: index) {
            block(bytes, postcode: postcode.start..<postcode.end, line: line, into: &spans)
            skipTo = postcode.end - 1
        }
    }

    /// The shared pass's scan: `candidates` are the places where `isCandidate` holds, in order (the pass
    /// found them while reading the words), so only their lines are looked for.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, candidates: [Int], into spans: inout [RedactionSpan]) {
        var line = 0..<0
        var covered = 0
        var skipTo = -1
        for index in candidates where index > skipTo {
            if index >= line.upperBound {
                // The line breaks are found with `memchr`, forward from the last line's end (a byte-by-byte walk
                // back to the line's start and on to its end was 3 % of the redaction's instructions).
                var start = line.upperBound
                var end = nextLineBreak(bytes, from: start)
                while end < index {
                    start = end + 1
                    end = nextLineBreak(bytes, from: start)
                }
                line = start..<end
                covered = start
            }
            at(index, bytes, line: line, covered: &covered, skipTo: &skipTo, into: &spans)
        }
    }

    /// The position of the first line feed at or after `start`, or the end of the text.
    @inline(__always) static func nextLineBreak(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else { return bytes.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    // MARK: Street lines

    /// "14 Mill Lane", "14-16 High St", "221B Baker Street, London": from the number to the street word,
    /// and on over ", Town" (up to two places after commas).
    static func street(_ bytes: UnsafeBufferPointer<UInt8>, numberAt start: Int, line: Range<Int>) -> (start: Int, end: Int)? {
        if start > line.lowerBound {
            let before = bytes[start - 1]
            // £14, $3, 2.5, 1,200, 3/4: a sum, a decimal or a fraction.
            if before != UInt8(ascii: " ") && before != UInt8(ascii: "(") && before != UInt8(ascii: "\t") && before != UInt8(ascii: ",") { return nil }
            if start >= 2, bytes[start - 2] == 0xA3 || bytes[start - 2] == UInt8(ascii: "$") { return nil }
        }
        var index = start
        var digits = 0
        while index < line.upperBound, Bytes.isDigit(bytes[index]) { index += 1; digits += 1 }
        guard digits <= 4 else { return nil }
        // 14-16, 14a, 221B
        if index + 1 < line.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "/"), Bytes.isDigit(bytes[index + 1]) {
            index += 1
            while index < line.upperBound, Bytes.isDigit(bytes[index]) { index += 1 }
        }
        if index < line.upperBound, Bytes.isLetter(bytes[index]), !Bytes.isAlnum(at: index + 1, bytes) { index += 1 }
        // "14Mill Lane": the number run into a capitalised word, as a reader sees "14\u{200B}Mill Lane" (the
        // zero-width space gone from the readable text) or a typing slip.
        let glued = index + 1 < line.upperBound && bytes[index] >= 0x41 && bytes[index] <= 0x5A && bytes[index + 1] >= 0x61 && bytes[index + 1] <= 0x7A
        // Both readings below need a letter (or a non-ASCII byte) after the number and its spaces or commas; most
        // numbers in prose are followed by another number or by punctuation ("999 000 0018", "14/03/1946").
        var first = index
        while first < line.upperBound, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: ",") { first += 1 }
        guard first < line.upperBound, Bytes.isLetter(bytes[first]) || bytes[first] >= 0x80 else { return nil }
        if let end = streetName(bytes, from: index, line: line, needsWordBefore: true, gluedFirst: glued) {
            return (start, towns(bytes, after: end, line: line))
        }
        guard let end = lowerCaseAddress(bytes, from: index, line: line) else { return nil }
        return (start, end)
    }

    /// Capitalised words ending in a street word, from `position` (after a house number or a comma).
    static func streetName(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, line: Range<Int>, needsWordBefore: Bool,
                           houseWords: Bool = false, gluedFirst: Bool = false) -> Int? {
        var index = position
        var words = 0
        var end: Int?
        while words < 5 {
            // A space before each word (a comma too before the first: "14, Mill Lane").
            var next = index
            while next < line.upperBound, bytes[next] == UInt8(ascii: " ") || (words == 0 && bytes[next] == UInt8(ascii: ",")) { next += 1 }
            guard next > index || (words == 0 && gluedFirst), next < line.upperBound, Bytes.isLetter(bytes[next]) || bytes[next] >= 0x80 else { break }
            let word = NameToken.word(bytes, from: next, gap: [])
            let token = word.token
            guard token.shape == .capitalised || token.shape == .upper || isConnector(token.hash) else { break }
            if words == 0 && AddressWords.isMonth(token.hash) { return nil }
            var wordEnd = word.next
            let streetKind = AddressWords.kind(token.hash)
            if wordEnd < line.upperBound, bytes[wordEnd] == UInt8(ascii: "."), streetKind == .abbreviation { wordEnd += 1 }
            if streetKind == .street || streetKind == .abbreviation || (houseWords && streetKind == .house), words > 0 || !needsWordBefore {
                // "St Mary's", "Dr Patel": an abbreviation before a capitalised word is a saint or a title, not the end.
                if !(streetKind == .abbreviation && isCapitalisedWord(bytes, after: wordEnd, line: line)) { end = wordEnd }
            }
            index = wordEnd
            words += 1
        }
        return end
    }

    static func isConnector(_ hash: UInt64) -> Bool { AddressWords.connectors.contains(hash) }

    static func isCapitalisedWord(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int, line: Range<Int>) -> Bool {
        guard position + 1 < line.upperBound, bytes[position] == UInt8(ascii: " ") else { return false }
        let byte = bytes[position + 1]
        return byte >= 0x41 && byte <= 0x5A
    }

    /// ", Wymondham", ", Wymondham, Norfolk": up to two places of one to three capitalised words.
    static func towns(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int, line: Range<Int>) -> Int {
        var end = position
        for _ in 0..<2 {
            var index = end
            guard index < line.upperBound, bytes[index] == UInt8(ascii: ",") else { break }
            index += 1
            var words = 0
            var placeEnd = end
            while words < 3 {
                var next = index
                while next < line.upperBound, bytes[next] == UInt8(ascii: " ") { next += 1 }
                if words > 0 && next == index { break }
                guard next < line.upperBound, (bytes[next] >= 0x41 && bytes[next] <= 0x5A) || bytes[next] >= 0x80 else { break }
                let word = NameToken.word(bytes, from: next, gap: [])
                guard word.token.shape == .capitalised || word.token.shape == .upper,
                      !AddressWords.notPlaces.contains(word.token.hash), !NameList.shared.flags(word.token.hash).contains(.title),
                      Postcode.match(bytes, at: next) == nil else { break }
                placeEnd = word.token.end
                index = word.next
                words += 1
            }
            guard words > 0 else { break }
            end = placeEnd
        }
        return end
    }

    // MARK: Flats

    /// "Flat 3", "Apartment 12B", "Flat 2, 14 Mill Lane", "Flat 3, Rose Court, Norwich": `start` is the number.
    static func flat(_ bytes: UnsafeBufferPointer<UInt8>, numberAt start: Int, line: Range<Int>) -> (start: Int, end: Int)? {
        guard start - 2 >= line.lowerBound, bytes[start - 1] == UInt8(ascii: " ") || bytes[start - 1] == UInt8(ascii: ".") else { return nil }
        var wordEnd = start - 1
        while wordEnd > line.lowerBound, bytes[wordEnd - 1] == UInt8(ascii: " ") || bytes[wordEnd - 1] == UInt8(ascii: ".") { wordEnd -= 1 }
        var wordStart = wordEnd
        while wordStart > line.lowerBound, Bytes.isLetter(bytes[wordStart - 1]) { wordStart -= 1 }
        // The first letter before the hash: most capitalised words before a number ("Ward 7B", "March 2025") are
        // ruled out by it.
        guard wordEnd > wordStart, bytes[wordStart] >= 0x41 && bytes[wordStart] <= 0x5A, AddressWords.flatInitials.contains(bytes[wordStart] | 0x20),
              AddressWords.flats.contains(NameList.hash(UnsafeBufferPointer(rebasing: bytes[wordStart..<wordEnd]))) else { return nil }
        var index = start
        while index < line.upperBound, Bytes.isDigit(bytes[index]) { index += 1 }
        if index < line.upperBound, Bytes.isLetter(bytes[index]), !Bytes.isAlnum(at: index + 1, bytes) { index += 1 }
        guard !Bytes.isAlnum(at: index, bytes) else { return nil }
        var end = index
        // The building or street after it.
        var next = index
        if next < line.upperBound, bytes[next] == UInt8(ascii: ",") { next += 1 }
        while next < line.upperBound, bytes[next] == UInt8(ascii: " ") { next += 1 }
        if next < line.upperBound, Bytes.isDigit(bytes[next]), let street = street(bytes, numberAt: next, line: line) {
            end = street.end
        } else if next > index, let building = streetName(bytes, from: index, line: line, needsWordBefore: true, houseWords: true) {
            end = towns(bytes, after: building, line: line)
        }
        return (wordStart, end)
    }

    // MARK: Address blocks

    /// A postcode on a line of its own (or after a town): the address-like lines above it, and the town.
    static func block(_ bytes: UnsafeBufferPointer<UInt8>, postcode: Range<Int>, line: Range<Int>, into spans: inout [RedactionSpan]) {
        let before = trimmed(bytes, line.lowerBound..<postcode.lowerBound)
        let after = trimmed(bytes, postcode.upperBound..<line.upperBound)
        guard after.isEmpty || (after.count <= 1 && !Bytes.isAlnum(at: after.lowerBound, bytes)) else { return }
        if !before.isEmpty {
            guard isAddressLine(bytes, before) else { return }
            spans.append(RedactionSpan(start: before.lowerBound, end: postcode.upperBound, kind: .address, detector: .addressBlock))
        }
        // Up to five lines above, while they look like address lines.
        var above = 1
        var lineEnd = line.lowerBound - 1
        while above <= 5, lineEnd >= 0 {
            var start = lineEnd
            while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            let text = trimmed(bytes, start..<lineEnd)
            guard !text.isEmpty, isAddressLine(bytes, text) else { break }
            spans.append(RedactionSpan(start: text.lowerBound, end: text.upperBound, kind: .address, detector: .addressBlock))
            lineEnd = start - 1
            above += 1
        }
    }

    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: ",") }
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Short, capitalised words (or numbers), no sentence punctuation, no month, no organisation word.
    static func isAddressLine(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count <= 60 else { return false }
        var words = 0
        var letters = false
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if Bytes.isAlnum(at: index, bytes) {
                let word = NameToken.word(bytes, from: index, gap: [])
                let token = word.token
                words += 1
                if token.shape == .lower {
                    guard AddressWords.connectors.contains(token.hash) else { return false }
                } else if token.shape != .number {
                    letters = true
                    let flags = NameList.shared.flags(token.hash)
                    if flags.contains(.calendar) || AddressWords.bodies.contains(token.hash) || flags.contains(.salutation) || flags.contains(.signOff) { return false }
                }
                index = max(word.next, index + 1)
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "'"), UInt8(ascii: "/"), UInt8(ascii: "\t"): break
            default: return false
            }
            index += 1
        }
        return letters && words <= 8 && bytes[range.upperBound - 1] != UInt8(ascii: ".")
    }
}

/// The words addresses are made of, as folded word hashes.
enum AddressWords {
    enum Kind { case none, street, abbreviation, house }

    static let streets = ["road", "lane", "street", "close", "avenue", "drive", "way", "court", "gardens", "crescent", "place",
                          "terrace", "walk", "row", "grove", "hill", "green", "square", "mews", "rise", "view", "park", "yard",
                          "parade", "boulevard", "wharf", "quay", "gate", "fields", "meadow", "meadows", "chase", "vale", "heights",
                          "croft", "approach", "broadway", "circus", "embankment", "loke", "passage", "causeway", "drove", "mount",
                          "wynd", "brow", "cottages", "villas", "buildings", "mansions", "crossway", "downs", "glade", "grange",
                          "pastures", "paddock", "orchard", "copse", "dell", "nook", "path", "lea", "reach", "row", "end"]
    static let abbreviations = ["rd", "st", "ave", "av", "dr", "cl", "ln", "cres", "gdns", "pl", "terr", "ter", "sq", "ct", "gr", "gro",
                                "pk", "pde", "blvd", "grn", "wk"]
    static let houseWords = ["cottage", "house", "farm", "farmhouse", "lodge", "barn", "manor", "villa", "bungalow", "rectory",
                             "vicarage", "grange", "mill", "hall", "court", "flats", "tower", "point", "heights", "mansions"]
    static let flatWords = ["flat", "apartment", "apt", "unit", "maisonette", "studio"]
    /// Lower-case words inside place and street names ("Stoke on Trent", "Walton upon Thames").
    static let connectorWords = ["upon", "on", "the", "under", "by", "in", "le", "de", "cum", "next", "of", "sea", "super", "mare", "la"]
    /// Organisation words: a line with one is a letterhead or a department, not a person's address line.
    static let bodyWords = ["hospital", "hospitals", "trust", "nhs", "foundation", "university", "practice", "surgery", "centre",
                            "center", "clinic", "service", "services", "team", "unit", "department", "council", "ombudsman",
                            "authority", "board", "pharmacy", "office", "partnership", "ltd", "limited", "plc", "advocacy",
                            "complaints", "pals", "parliamentary", "commission", "icb", "directorate", "division", "patient",
                            "details", "address", "contact", "correspondence", "private", "confidential", "re", "ref", "subject",
                            "postcode", "zip"]
    /// Capitalised words that end a town list after a street ("14 Mill Lane, The patient…").
    static let notPlaceWords = ["the", "i", "it", "we", "she", "he", "they", "this", "that", "on", "in", "at", "and", "but", "my", "her",
                                "his", "our", "your", "their", "who", "which", "where", "when", "then", "so", "please", "tel",
                                "telephone", "phone", "email", "mobile", "dob", "nhs", "ref"]

    // Word tables, not `Set`s: no `Hasher` run per lookup.
    static let connectors = WordSet(connectorWords.map(NameList.hash))
    static let bodies = WordSet(bodyWords.map(NameList.hash))
    static let notPlaces = WordSet(notPlaceWords.map(NameList.hash))
    static let flats = WordSet(flatWords.map(NameList.hash))
    static let flatInitials = LetterSet(String(flatWords.compactMap(\.first)))
    static let months = WordSet(NameList.calendar.map(NameList.hash))
    static let kinds: WordTable<UInt16> = {
        var kinds: [UInt64: UInt16] = [:]
        for word in houseWords { kinds[NameList.hash(word)] = 3 }
        for word in streets { kinds[NameList.hash(word)] = 1 }
        for word in abbreviations { kinds[NameList.hash(word)] = 2 }
        return WordTable(kinds)
    }()

    @inline(__always) static func kind(_ hash: UInt64) -> Kind {
        switch kinds[hash] {
        case 1: .street
        case 2: .abbreviation
        case 3: .house
        default: .none
        }
    }
    @inline(__always) static func isMonth(_ hash: UInt64) -> Bool { months.contains(hash) }
}
