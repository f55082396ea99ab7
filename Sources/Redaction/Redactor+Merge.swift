/// Ranges and spans put in order: the allow-list's ranges united, and the spans of every detector merged.
extension Redactor {
    /// Sorted, non-overlapping ranges covering the same bytes.
    static func union(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// Whether the span lies wholly inside one of the sorted, disjoint `ranges` (binary search).
    static func isInside(_ span: RedactionSpan, _ ranges: [Range<Int>]) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].lowerBound <= span.start { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }
        return span.end <= ranges[low - 1].upperBound
    }

    /// Spans found in two texts with the same bytes at the same offsets (a text and its reflowed copy), as one
    /// sorted, non-overlapping list.
    public static func merged(_ spans: [RedactionSpan]) -> [RedactionSpan] { merge(spans) }

    /// Overlapping or touching spans become one; its kind is the most specific of its parts. Spans `drop`
    /// holds for are left out first (read while the sort keys are made: a separate pass moving the spans
    /// cost as much as the merge).
    static func merge(_ spans: consuming [RedactionSpan], dropping drop: ((RedactionSpan) -> Bool)? = nil) -> [RedactionSpan] {
        let spans = spans
        // Sorted by start, longest first, ties in the order found: small keys are sorted, not the spans (each
        // span is 48 bytes with a reference in it). The index in the key keeps the order of ties, as the
        // stable sort of the spans did.
        var keys: [(key: UInt64, index: Int32)] = []
        keys.reserveCapacity(spans.count)
        var fits = spans.count < Int(Int32.max)
        if fits {
            for index in spans.indices {
                let (start, end) = (spans[index].start, spans[index].end)
                guard start >= 0, end >= 0, start < Int(UInt32.max), end < Int(UInt32.max) else {
                    fits = false
                    break
                }
                if let drop, drop(spans[index]) { continue }
                keys.append((UInt64(start) << 32 | UInt64(UInt32.max - UInt32(end)), Int32(index)))
            }
        }
        guard fits else {
            var sorted = spans
            if let drop { sorted.removeAll(where: drop) }
            sorted.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
            return mergeSorted(sorted.indices, sorted)
        }
        keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        return mergeSorted(keys.lazy.map { Int($0.index) }, spans)
    }

    private static func mergeSorted(_ order: some Sequence<Int>, _ spans: [RedactionSpan]) -> [RedactionSpan] {
        var merged: [RedactionSpan] = []
        merged.reserveCapacity(spans.count)
        for position in order {
            let span = spans[position]
            if var last = merged.last, span.start <= last.end {
                if span.end > last.end { last.end = span.end }
                if span.kind.specificity > last.kind.specificity {
                    last.kind = span.kind
                    last.detectorID = span.detectorID
                    last.personID = span.personID
                    last.personRole = span.personRole
                }
                merged[merged.count - 1] = last
            } else {
                merged.append(span)
            }
        }
        return merged
    }
}
