/// The shared pass of `Redactor.spans`: the phrase matcher and the name finder read the words of the text
/// once between them (each used to tokenise the whole text itself).
extension Redactor {
    /// One reading of the words of a text that reads as written (no `ReadableText` copy): each name token
    /// goes to the name finder and, as the words `Words` would read there (the token itself when it is plain
    /// ASCII letters and digits, else its text read again), to the phrase matcher. Appends what the phrase
    /// matcher, the address detector and the name finder find, in that order (the order of ties in the
    /// merge), and returns the allow-listed ranges (sorted, disjoint).
    func sharedWordPass(_ bytes: UnsafeBufferPointer<UInt8>, into found: inout [RedactionSpan]) -> [Range<Int>] {
        var scan = NameFinder.Scan(finder: names)
        var allowList: [Range<Int>] = []
        if phrases.isEmpty {
            NameToken.forEach(bytes) { scan.take($0) }
        } else {
            var matching = PhraseMatcher.Matching(matcher: phrases, bytes: bytes)
            var spacing = Words.LetterSpacing()
            NameToken.forEachWord(bytes) { token, next, simple in
                if simple {
                    let single: UInt8? = token.end - token.start == 1 ? Bytes.lower(bytes[token.start]) : nil
                    spacing.feed(Words.Word(start: token.start, end: token.end, hash: token.hash), single: single, bytes: bytes) { matching.take($0) }
                } else {
                    Words.scanWords(bytes, in: token.start..<next) { word, single in
                        spacing.feed(word, single: single, bytes: bytes) { matching.take($0) }
                    }
                }
                scan.take(token)
            }
            spacing.flush { matching.take($0) }
            found += matching.spans
            allowList = matching.allowed
        }
        let allowed = Self.union(allowList)
        AddressDetector.scan(bytes, into: &found)
        names.finish(&scan, allowed: allowed, into: &found)
        return allowed
    }
}
