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

    /// Overlapping or touching spans become one; its kind is the most specific of its parts. Spans wholly
    /// inside one of `allowed` (sorted, disjoint), and those `drop` holds for, are left out first: read in
    /// the merge's own walk in sorted order, where the allowed range to compare with only moves forward (a
    /// binary search per span, in a pass of its own that moved every span, cost as much as the merge).
    static func merge(_ spans: consuming [RedactionSpan], allowed: [Range<Int>] = [],
                      dropping drop: ((RedactionSpan) -> Bool)? = nil) -> [RedactionSpan] {
        let spans = spans
        // Sorted by start, longest first, ties in the order found: small keys are sorted, not the spans (each
        // span is 48 bytes with a reference in it). The index in the key keeps the order of ties, as the
        // stable sort of the spans did.
        guard spans.count < Int(Int32.max), spans.allSatisfy({ $0.start >= 0 && $0.end >= 0 && $0.end < Int(UInt32.max) && $0.start < Int(UInt32.max) }) else {
            var sorted = spans
            sorted.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
            return mergeSorted(sorted.indices, sorted, allowed: allowed, drop: drop)
        }
        var keys: [(key: UInt64, index: Int32)] = []
        keys.reserveCapacity(spans.count)
        for (index, span) in spans.enumerated() {
            keys.append((UInt64(span.start) << 32 | UInt64(UInt32.max - UInt32(span.end)), Int32(index)))
        }
        if keys.count < 256 {
            keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        } else {
            radixSort(&keys)
        }
        return mergeSorted(keys.lazy.map { Int($0.index) }, spans, allowed: allowed, drop: drop)
    }

    /// The keys in the order of `sort` by (key, index), for keys made in index order: a stable least
    /// significant digit radix sort, 11 bits a pass, a pass skipped where every key has the same digit (the
    /// high bits of a start). The comparison sort of the keys was 8 % of the redaction's instructions.
    static func radixSort(_ keys: inout [(key: UInt64, index: Int32)]) {
        let count = keys.count
        guard count > 1 else { return }
        // Written before it is read: made empty, not copied from `keys` (`var other = keys` copied every key).
        var other = [(key: UInt64, index: Int32)](repeating: (0, 0), count: count)
        var counts = [Int](repeating: 0, count: 2048)
        var inOther = false
        keys.withUnsafeMutableBufferPointer { first in
            other.withUnsafeMutableBufferPointer { second in
                counts.withUnsafeMutableBufferPointer { counts in
                    var shift: UInt64 = 0
                    while shift < 64 {
                        let source = inOther ? second : first
                        let target = inOther ? first : second
                        for bucket in 0..<2048 { counts[bucket] = 0 }
                        for position in 0..<count { counts[Int(truncatingIfNeeded: (source[position].key >> shift) & 2047)] += 1 }
                        if counts[Int(truncatingIfNeeded: (source[0].key >> shift) & 2047)] != count {
                            var total = 0
                            for bucket in 0..<2048 {
                                let here = counts[bucket]
                                counts[bucket] = total
                                total += here
                            }
                            for position in 0..<count {
                                let digit = Int(truncatingIfNeeded: (source[position].key >> shift) & 2047)
                                target[counts[digit]] = source[position]
                                counts[digit] += 1
                            }
                            inOther.toggle()
                        }
                        shift += 11
                    }
                }
            }
        }
        if inOther { keys = other }
    }

    private static func mergeSorted(_ order: some Sequence<Int>, _ spans: [RedactionSpan], allowed: [Range<Int>],
                                    drop: ((RedactionSpan) -> Bool)?) -> [RedactionSpan] {
        var merged: [RedactionSpan] = []
        merged.reserveCapacity(spans.count)
        // The allowed ranges starting at or before the current span's start (spans come by start).
        var allowedBefore = 0
        for position in order {
            let span = spans[position]
            while allowedBefore < allowed.count, allowed[allowedBefore].lowerBound <= span.start { allowedBefore += 1 }
            if allowedBefore > 0, span.end <= allowed[allowedBefore - 1].upperBound { continue }
            if let drop, drop(span) { continue }
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
