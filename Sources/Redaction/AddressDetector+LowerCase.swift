/// Street addresses typed in lower case ("14 mill lane, wymondham"): careless typing, or a sender who knows
/// the address detector looks for capitals. Stricter than the capitalised form, because lower-case words
/// after a number are mostly prose ("3 miles down the road", "a 20 minute drive"): one to three words that
/// are not function words or units, then a street word that is rarely anything else.
extension AddressDetector {
    /// Street words that, in lower case after a number and a word or two, are a street ("end" is left out).
    static let lowerCaseStreets = WordSet(["road", "lane", "street", "avenue", "crescent", "terrace", "gardens", "mews", "close",
                                           "grove", "rd", "ln", "ave"].map(NameList.hash))
    /// Street words that are everyday words too ("he gave way", "a long drive"): a street only with a town after a
    /// comma or a postcode after it ("14 mill way, wymondham", "3 sea view nr27 9aa").
    static let lowerCaseEverydayStreets = WordSet(["way", "walk", "drive", "view"].map(NameList.hash))
    /// Words that make the words after a number prose, not a street name.
    static let notStreetWords = WordSet([
        "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "at", "by", "for", "from", "with", "into", "onto", "up", "down",
        "along", "across", "past", "round", "around", "near", "off", "over", "out", "is", "was", "were", "are", "be", "very", "so",
        "too", "quite", "more", "less", "times", "minute", "minutes", "min", "mins", "hour", "hours", "hrs", "day", "days", "week",
        "weeks", "month", "months", "year", "years", "mile", "miles", "yard", "yards", "metres", "meters", "km", "people",
        "other", "others", "my", "her", "his", "their", "our", "your", "its", "this", "that", "these", "those", "pm", "am",
    ].map(NameList.hash))

    /// "14 mill lane, wymondham", "14 mill way, wymondham": the end of the street and its town, from `position`
    /// (after the house number).
    static func lowerCaseAddress(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, line: Range<Int>) -> Int? {
        guard let street = lowerCaseStreet(bytes, from: position, line: line) else { return nil }
        let end = lowerCaseTown(bytes, after: street.end, line: line)
        if street.everyday, end == street.end {
            guard end + 1 < line.upperBound, bytes[end] == UInt8(ascii: " "), let postcode = Postcode.match(bytes, at: end + 1) else { return nil }
            return postcode.end
        }
        return end
    }

    /// "mill lane", "st john's road": from `position` (after the house number) to the end of the street word, and
    /// whether that word is also an everyday word.
    static func lowerCaseStreet(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int, line: Range<Int>) -> (end: Int, everyday: Bool)? {
        var index = position
        var words = 0
        while words < 4 {
            var next = index
            while next < line.upperBound, bytes[next] == UInt8(ascii: " ") { next += 1 }
            // The first word in lower case (the capitalised form is `streetName`'s): one byte rules out most numbers.
            guard next > index, next < line.upperBound, Bytes.isLetter(bytes[next]), words > 0 || bytes[next] >= 0x61 else { return nil }
            let word = NameToken.word(bytes, from: next, gap: [])
            let token = word.token
            guard token.shape == .lower || token.shape == .capitalised, !notStreetWords.contains(token.hash),
                  !AddressWords.isMonth(token.hash) else { return nil }
            if words > 0, lowerCaseStreets.contains(token.hash) { return (word.next, false) }
            if words > 0, lowerCaseEverydayStreets.contains(token.hash) { return (word.next, true) }
            index = word.next
            words += 1
        }
        return nil
    }

    /// ", wymondham" after a lower-case street: one word that is a known place, or that ends the sentence, the
    /// line or the clause, or stands before a postcode (the postcode detector finds that itself).
    static func lowerCaseTown(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int, line: Range<Int>) -> Int {
        guard position + 2 < line.upperBound, bytes[position] == UInt8(ascii: ","), bytes[position + 1] == UInt8(ascii: " "),
              Bytes.isLetter(bytes[position + 2]) else { return position }
        let word = NameToken.word(bytes, from: position + 2, gap: [])
        guard word.token.letters >= 3, word.token.shape != .number, !notStreetWords.contains(word.token.hash),
              !AddressWords.notPlaces.contains(word.token.hash) else { return position }
        let end = word.next
        guard end < line.upperBound, !NameList.shared.flags(word.token.hash).contains(.place) else { return end }
        let after = bytes[end]
        if after == UInt8(ascii: ".") || after == UInt8(ascii: ",") || after == UInt8(ascii: ";") || after == UInt8(ascii: ")") { return end }
        if after == UInt8(ascii: " "), end + 1 < line.upperBound, Postcode.match(bytes, at: end + 1) != nil { return end }
        return position
    }
}
