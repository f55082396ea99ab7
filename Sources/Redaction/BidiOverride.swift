/// Text inside a right-to-left override (U+202E, up to U+202C or the end of the line) is shown reversed:
/// "\u{202E}sillE teragraM\u{202C}" reads "Margaret Ellis" on screen and in a bundle, while every matcher
/// reading the stored order sees "sillE teragraM". The visual copy lets the matchers read it as shown.
enum BidiOverride {
    static let override: [UInt8] = [0xE2, 0x80, 0xAE]
    static let pop: [UInt8] = [0xE2, 0x80, 0xAC]

    /// The text as displayed (each override's content reversed scalar by scalar, so it has the same length
    /// and every byte outside an override stays where it was) and the overrides' ranges, control characters
    /// included; nil when the text has no override.
    static func visual(_ bytes: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], overrides: [Range<Int>])? {
        var overrides: [Range<Int>] = []
        var index = 0
        while index + 2 < bytes.count {
            guard bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0xAE else {
                index += 1
                continue
            }
            var end = index + 3
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D {
                if at(pop, end, bytes) {
                    end += 3
                    break
                }
                end += 1
            }
            overrides.append(index..<end)
            index = end
        }
        guard !overrides.isEmpty else { return nil }
        var visual = Array(bytes)
        for range in overrides {
            let contentEnd = range.count >= 6 && at(pop, range.upperBound - 3, bytes) ? range.upperBound - 3 : range.upperBound
            var scalars: [Range<Int>] = []
            var position = range.lowerBound + 3
            while position < contentEnd {
                let (_, length) = Words.decode(bytes, at: position)
                scalars.append(position..<min(position + length, contentEnd))
                position += length
            }
            var out = range.lowerBound + 3
            for scalar in scalars.reversed() {
                for byte in bytes[scalar] {
                    visual[out] = byte
                    out += 1
                }
            }
        }
        return (visual, overrides)
    }

    private static func at(_ marker: [UInt8], _ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        index + 2 < bytes.count && bytes[index] == marker[0] && bytes[index + 1] == marker[1] && bytes[index + 2] == marker[2]
    }

    /// Spans found in the visual copy that touch an override, widened to cover the whole override (inside
    /// one, offsets run backwards); spans elsewhere were found in the text already and are left out.
    static func widened(_ spans: [RedactionSpan], to overrides: [Range<Int>]) -> [RedactionSpan] {
        spans.compactMap { span in
            var span = span
            var touched = false
            for range in overrides where range.lowerBound < span.end && span.start < range.upperBound {
                span.start = min(span.start, range.lowerBound)
                span.end = max(span.end, range.upperBound)
                touched = true
            }
            return touched ? span : nil
        }
    }
}
