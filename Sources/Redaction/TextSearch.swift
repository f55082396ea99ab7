import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finding words inside a document's text the way an advocate types them: case and accents ignored ("platt"
/// finds "PLATT", "Zoe" finds "Zoë"), invisible characters and combining marks skipped (a zero-width space
/// inside a name does not hide it from the advocate either), any run of spaces or line breaks matching one
/// space. Each folded byte remembers where its character starts in the original, so a hit maps back to the
/// original text for its snippet.
public struct SearchQuery: Sendable, Equatable {
    /// The folded words, each matched on its own; a document must contain every one.
    public let terms: [[UInt8]]
    /// The whole query folded, for the bonus a document gets when the words appear together in order.
    public let phrase: [UInt8]

    /// Nil when nothing searchable is left (only spaces or punctuation).
    public init?(_ text: String) {
        let folded = FoldedText(text).bytes
        let words = folded.split(whereSeparator: { !FoldedText.isWordByte($0) }).map(Array.init)
        guard !words.isEmpty else { return nil }
        terms = words
        phrase = Array(words.joined(separator: [UInt8(ascii: " ")]))
    }
}

public struct SearchMatch: Sendable, Equatable {
    /// Occurrences of every term together (0 when one term is missing).
    public let count: Int
    /// Whether the words appear together in the query's order.
    public let phrase: Bool
    /// UTF-8 offsets in the original text of the first occurrences (at most `limit`), phrase hits first.
    public let ranges: [Range<Int>]
}

public struct FoldedText: Sendable {
    public private(set) var bytes: [UInt8] = []
    private let original: [UInt8]

    public init(_ text: String) {
        original = Array(text.utf8)
        if let quick = Self.foldInPlace(original) {
            bytes = quick
        } else {
            var unused: [Int32]? = nil
            bytes = Self.fold(original, origins: &unused)
        }
    }

    /// Each byte as the search compares it: ASCII letters lower-cased, every space and line break a space,
    /// 0xFF for the bytes of a character outside ASCII (decoded and folded on their own).
    private static let asciiFold: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        if byte >= 0x80 { return 0xFF }
        if isSpace(byte) { return 0x20 }
        return byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }

    /// The same folding as `fold`, written straight into a buffer the size of the text: the search's hot loop.
    /// Nil when a character would fold to more bytes than it had (rare compatibility forms), and `fold` runs.
    private static func foldInPlace(_ original: [UInt8]) -> [UInt8]? {
        var cache: [UInt32: [UInt8]] = [:]
        var fits = true
        let folded = [UInt8](unsafeUninitializedCapacity: original.count) { out, written in
            var count = 0
            var lastWasSpace = true
            Self.asciiFold.withUnsafeBufferPointer { asciiFold in original.withUnsafeBufferPointer { source in
                var offset = 0
                while offset < source.count {
                    let mapped = asciiFold[Int(source[offset])]
                    if mapped < 0x80 {
                        if mapped == 0x20 {
                            if !lastWasSpace { out[count] = 0x20; count += 1; lastWasSpace = true }
                        } else {
                            out[count] = mapped
                            count += 1
                            lastWasSpace = false
                        }
                        offset += 1
                        continue
                    }
                    let (scalar, length) = decode(source, at: offset)
                    let replacement: [UInt8]
                    if let cached = cache[scalar.value] { replacement = cached } else {
                        replacement = fold(scalar)
                        cache[scalar.value] = replacement
                    }
                    guard replacement.count <= length else { fits = false; return }
                    if replacement == [0x20] {
                        if !lastWasSpace { out[count] = 0x20; count += 1; lastWasSpace = true }
                    } else if !replacement.isEmpty {
                        for value in replacement { out[count] = value; count += 1 }
                        lastWasSpace = false
                    }
                    offset += length
                }
            } }
            written = fits ? count : 0
        }
        return fits ? folded : nil
    }

    /// The folded bytes; with `origins`, also where each folded byte's character starts in `source` (needed only
    /// for a document that matched, so the common case — no match — never builds it).
    private static func fold(_ original: [UInt8], origins: inout [Int32]?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(original.count)
        origins?.reserveCapacity(original.count)
        var cache: [UInt32: [UInt8]] = [:]
        var lastWasSpace = true
        // Bytes, not Characters: ASCII (nearly all of a letter) is folded without decoding anything.
        original.withUnsafeBufferPointer { source in
            var offset = 0
            while offset < source.count {
                var byte = source[offset]
                if byte < 0x80 {
                    if Self.isSpace(byte) {
                        if !lastWasSpace {
                            bytes.append(UInt8(ascii: " "))
                            origins?.append(Int32(truncatingIfNeeded: offset))
                            lastWasSpace = true
                        }
                    } else {
                        if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
                        bytes.append(byte)
                        origins?.append(Int32(truncatingIfNeeded: offset))
                        lastWasSpace = false
                    }
                    offset += 1
                    continue
                }
                let (scalar, length) = Self.decode(source, at: offset)
                let folded: [UInt8]
                if let cached = cache[scalar.value] { folded = cached } else {
                    folded = Self.fold(scalar)
                    cache[scalar.value] = folded
                }
                if folded == [UInt8(ascii: " ")] {
                    if !lastWasSpace {
                        bytes.append(UInt8(ascii: " "))
                        origins?.append(Int32(truncatingIfNeeded: offset))
                        lastWasSpace = true
                    }
                } else if !folded.isEmpty {
                    lastWasSpace = false
                    for byte in folded {
                        bytes.append(byte)
                        origins?.append(Int32(truncatingIfNeeded: offset))
                    }
                }
                offset += length
            }
        }
        return bytes
    }

    /// One scalar of well-formed UTF-8 (a Swift String's bytes always are).
    private static func decode(_ source: UnsafeBufferPointer<UInt8>, at offset: Int) -> (Unicode.Scalar, Int) {
        var iterator = source[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return (scalar, UTF8.width(scalar)) }
        return (Unicode.Scalar(0xFFFD)!, 1)
    }

    /// Every term must occur; returns nil otherwise. `limit` bounds the ranges kept for snippets.
    public func match(_ query: SearchQuery, limit: Int = 3) -> SearchMatch? {
        var count = 0
        var firsts: [Range<Int>] = []
        for term in query.terms {
            let hits = occurrences(of: term, limit: Int.max)
            guard !hits.isEmpty else { return nil }
            count += hits.count
            if firsts.count < limit { firsts.append(hits[0]) }
        }
        let phraseHits = query.terms.count > 1 ? occurrences(of: query.phrase, limit: limit) : []
        // Back to the original text's offsets, for snippets.
        var tracked: [Int32]? = []
        _ = Self.fold(original, origins: &tracked)
        let origins = tracked ?? []
        let ranges = (phraseHits + firsts).prefix(limit).map { range in
            Int(origins[range.lowerBound])..<(range.upperBound < origins.count ? Int(origins[range.upperBound]) : original.count)
        }
        return SearchMatch(count: count, phrase: !phraseHits.isEmpty, ranges: Array(ranges))
    }

    /// The original text around `range`, widened to whole words, at most about `width` bytes each side,
    /// with line breaks and runs of spaces shown as one space.
    public func snippet(around range: Range<Int>, width: Int = 60) -> String {
        var start = max(0, range.lowerBound - width)
        var end = min(original.count, range.upperBound + width)
        // Never cut a character in two, and prefer to start and end at a space.
        while start > 0 && (original[start] & 0xC0) == 0x80 { start -= 1 }
        while end < original.count && (original[end] & 0xC0) == 0x80 { end += 1 }
        if start > 0, let space = original[start..<range.lowerBound].firstIndex(where: { Self.isSpace($0) }) { start = space + 1 }
        if end < original.count, let space = original[range.upperBound..<end].lastIndex(where: { Self.isSpace($0) }) { end = space }
        let text = String(decoding: original[start..<end], as: UTF8.self)
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return (start > 0 ? "…" : "") + words + (end < original.count ? "…" : "")
    }

    /// Where `needle` starts a word in the folded bytes (folded offsets).
    private func occurrences(of needle: [UInt8], limit: Int) -> [Range<Int>] {
        guard !needle.isEmpty, needle.count <= bytes.count else { return [] }
        var found: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard let base = haystack.baseAddress, let pattern = needle.baseAddress else { return }
                var index = 0
                while index + needle.count <= haystack.count {
                    // memchr for the first byte: the C library's vectorised scan, far quicker than a byte loop.
                    guard let hit = memchr(base + index, Int32(pattern[0]), haystack.count - index - needle.count + 1) else { return }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    guard memcmp(base + at, pattern, needle.count) == 0 else { index = at + 1; continue }
                    // Whole-word starts only: "all" is not found inside "ballot".
                    if at == 0 || !Self.isWordByte(haystack[at - 1]) {
                        found.append(at..<(at + needle.count))
                        if found.count >= limit { return }
                        index = at + needle.count
                    } else {
                        index = at + 1
                    }
                }
            }
        }
        return found
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Letters, digits and any byte of a non-ASCII letter that folding kept.
    static func isWordByte(_ byte: UInt8) -> Bool { byte >= 0x80 || Bytes.isDigit(byte) || Bytes.isLetter(byte) }

    /// A character outside ASCII as a search compares it: invisible ones and combining marks vanish, spaces of
    /// every width become a space, letters lose their accents ("é" → "e") and case, compatibility forms read plain ("ﬁ" → "fi", "Ｐ" → "p").
    static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint || properties.generalCategory == .nonspacingMark
            || properties.generalCategory == .enclosingMark || properties.generalCategory == .format { return [] }
        if properties.isWhitespace { return [UInt8(ascii: " ")] }
        let decomposed = String(scalar).decomposedStringWithCompatibilityMapping.lowercased()
        var result: [UInt8] = []
        for part in decomposed.unicodeScalars {
            let category = part.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark { continue }
            result += Array(String(part).utf8)
        }
        return result
    }
}
