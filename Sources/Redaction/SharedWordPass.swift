/// The shared pass of `Redactor.spans`: one reading of the text feeds the identifier shapes, the phrase matcher,
/// the name finder and the address detector (each used to read the whole text itself).
extension Redactor {
    /// One reading of the words of a text that reads as written (no `ReadableText` copy): each name token
    /// goes to the name finder and, as the words `Words` would read there (the token itself when it is plain
    /// ASCII letters and digits, else its text read again), to the phrase matcher; the shape detectors look at
    /// the bytes `PatternDetectors.scan` looks at (a token's first byte, the "+", "(" and "@" between words, and
    /// every byte of a token that is not plain); the address detector looks only where an address may start.
    /// Appends what the shape detectors, the phrase matcher, the address detector and the name finder find,
    /// in that order for equal ranges (the order of ties in the merge), and returns the allow-listed ranges
    /// (sorted, disjoint). Nil, with nothing appended, when the text turns out to need the readable copy.
    func sharedWordPass(_ bytes: UnsafeBufferPointer<UInt8>, into found: inout [RedactionSpan]) -> [Range<Int>]? {
        var scan = NameFinder.Scan(finder: names)
        // Sized for dense text (the bench's complaint prose has a capitalised word every 18 bytes and a number or
        // one-letter word every 22): grown from empty, these lists were copied 17 times a MiB (1.6 M instructions).
        scan.capitalised.reserveCapacity(bytes.count / 16)
        var matching = PhraseMatcher.Matching(matcher: phrases, bytes: bytes)
        // The shapes and the phrases go into one list, as found: a shape is found at its first byte, a phrase
        // at its last word, so for equal ranges the shape still comes first (the merge keeps the first of ties).
        let already = found.count
        swap(&matching.spans, &found)
        var spacing = Words.LetterSpacing()
        var addressCandidates: [Int] = []
        addressCandidates.reserveCapacity(bytes.count / 16)
        let matchesPhrases = !phrases.isEmpty
        // Whether the text may need the readable copy (`ReadableText.needsReading` is asked only then): a
        // non-ASCII byte, a hyphen and a line break between two words, or one-character words side by side.
        var mayNeedReading = false
        var previousMaySpace = false
        let lookalikes = lookalikes
        // Where look-alikes of l may stand, in order; the tokens holding one are read closer.
        let suspects = lookalikes.isEmpty ? [Int.max] : LookalikeNames.suspects(in: bytes)
        var nextSuspect = 0
        let nonASCII = NameToken.forEachWord(bytes, punctuation: { PatternDetectors.check(bytes, at: $0, into: &matching.spans) }) { token, next, simple in
            // "EIIis", "E11is": a registered name word, for the phrases and the name finder alike. Only the hash is
            // replaced (a mutable copy of every token cost 40 instructions a word in the release build).
            var hash = token.hash
            if suspects[nextSuspect] < token.end {
                while suspects[nextSuspect] < token.end { nextSuspect += 1 }
                hash = token.resolved(lookalikes, bytes).hash
            }
            let isSingle = simple && token.end - token.start == 1
            let maySpace = isSingle || !simple
            if maySpace && previousMaySpace || token.gap.contains(.hyphen) && token.gap.contains(.newline) { mayNeedReading = true }
            previousMaySpace = maySpace
            if simple {
                PatternDetectors.check(bytes, word: token.start, end: token.end, hasDigit: token.shape == .number, into: &matching.spans)
                // A plain word of two or more letters starts no address: `isCandidate` wants a digit at its first
                // byte or one of the next two, and the byte after such a word is never a digit (digits join words).
                if token.shape == .number || token.end - token.start == 1, AddressDetector.isCandidate(bytes, at: token.start) {
                    addressCandidates.append(token.start)
                }
                if matchesPhrases {
                    let single: UInt8? = isSingle ? Bytes.lower(bytes[token.start]) : nil
                    spacing.feed(Words.Word(start: token.start, end: token.end, hash: hash), single: single, bytes: bytes) { matching.take($0) }
                }
            } else {
                PatternDetectors.scan(bytes, in: token.start..<next, into: &matching.spans)
                for position in token.start..<next where AddressDetector.isCandidate(bytes, at: position) { addressCandidates.append(position) }
                if matchesPhrases {
                    Words.scanWords(bytes, in: token.start..<next) { word, single in
                        spacing.feed(lookalikes.resolved(word, bytes), single: single, bytes: bytes) { matching.take($0) }
                    }
                }
            }
            if hash == token.hash {
                scan.take(token)
            } else {
                var resolved = token
                resolved.hash = hash
                scan.take(resolved)
            }
        }
        if matchesPhrases { spacing.flush { matching.take($0) } }
        swap(&matching.spans, &found)
        if (nonASCII || mayNeedReading) && ReadableText.needsReading(bytes) {
            found.removeLast(found.count - already)
            return nil
        }
        let allowed = Self.union(matching.allowed)
        AddressDetector.scan(bytes, candidates: addressCandidates, into: &found)
        names.finish(&scan, bytes, allowed: allowed, into: &found)
        return allowed
    }
}
