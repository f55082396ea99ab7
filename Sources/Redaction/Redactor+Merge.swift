/// Ranges and spans put in order: the allow-list's ranges united, and the spans of every detector merged.
extension Redactor {
    /// Spans of one detector to leave out of a merge: those `test` holds for (only they are copied out to be tested).
    struct Drop {
        var detector: Detector
        var test: (RedactionSpan) -> Bool
    }

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
                      dropping drop: Drop? = nil) -> [RedactionSpan] {
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
        // The start and the length (longest first) in as few bits as spans need, so the radix sort makes fewer
        // passes; the start and the end in 32 bits each when a span is longer than that allows.
        if spans.allSatisfy({ $0.end - $0.start <= Self.shortLength }) {
            for (index, span) in spans.enumerated() {
                keys.append((UInt64(span.start) << Self.lengthBits | UInt64(Self.shortLength - (span.end - span.start)), Int32(index)))
            }
        } else {
            for (index, span) in spans.enumerated() {
                keys.append((UInt64(span.start) << 32 | UInt64(UInt32.max - UInt32(span.end)), Int32(index)))
            }
        }
        if keys.count < 256 {
            keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        } else if !mergeRuns(&keys) {
            radixSort(&keys)
        }
        return mergeSorted(keys.lazy.map { Int($0.index) }, spans, allowed: allowed, drop: drop)
    }

    static let lengthBits: UInt64 = 12
    static let shortLength = 1 << 12 - 1

    /// The keys in the order of `sort` by (key, index), for keys made in index order: a stable least
    /// significant digit radix sort, 11 bits a pass, a pass skipped where every key has the same digit (the
    /// high bits of a start; found for all digits in one pass first, not by counting each). The comparison
    /// sort of the keys was 8 % of the redaction's instructions.
    static func radixSort(_ keys: inout [(key: UInt64, index: Int32)]) {
        let count = keys.count
        guard count > 1 else { return }
        let firstKey = keys[0].key
        var varying: UInt64 = 0
        for position in 1..<count { varying |= keys[position].key ^ firstKey }
        // Written before it is read: made empty, not copied from `keys` (`var other = keys` copied every key).
        var other = [(key: UInt64, index: Int32)](repeating: (0, 0), count: count)
        var counts = [Int](repeating: 0, count: 2048)
        var inOther = false
        keys.withUnsafeMutableBufferPointer { first in
            other.withUnsafeMutableBufferPointer { second in
                counts.withUnsafeMutableBufferPointer { counts in
                    var shift: UInt64 = 0
                    while shift < 64 {
                        defer { shift += 11 }
                        guard (varying >> shift) & 2047 != 0 else { continue }
                        let source = inOther ? second : first
                        let target = inOther ? first : second
                        for bucket in 0..<2048 { counts[bucket] = 0 }
                        for position in 0..<count { counts[Int(truncatingIfNeeded: (source[position].key >> shift) & 2047)] += 1 }
                        do {
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
                    }
                }
            }
        }
        if inOther { keys = other }
    }

    /// The keys in the order of `sort` by (key, index), for keys made in index order, when they come as a few
    /// sorted runs (false otherwise, with keys moved only before greater ones, which the stable radix sort then
    /// sorts the same way): each detector finds its spans nearly in order (a phrase is found
    /// at its last word, a few spans after a shape that starts inside it), so a key a few places out of order is
    /// moved back into its run, and the runs (one or two per detector) are merged. The radix sort read every key
    /// twice in each of its three passes; this reads it once, then once per level of merging (two or three here).
    static func mergeRuns(_ keys: inout [(key: UInt64, index: Int32)]) -> Bool {
        let count = keys.count
        let maximumRuns = 16, reach = 8
        var runStarts: [Int] = [0]
        let ordered = keys.withUnsafeMutableBufferPointer { keys -> Bool in
            var runStart = 0
            for position in 1..<count where keys[position].key < keys[position - 1].key {
                // Back over at most `reach` keys of this run, after the last key not greater (ties keep the order
                // found: this key's index is the largest so far).
                let item = keys[position]
                let lowest = max(runStart, position - reach)
                var slot = position - 1
                while slot > lowest, keys[slot - 1].key > item.key { slot -= 1 }
                if slot == runStart || keys[slot - 1].key <= item.key {
                    var move = position
                    while move > slot {
                        keys[move] = keys[move - 1]
                        move -= 1
                    }
                    keys[slot] = item
                } else {
                    runStart = position
                    runStarts.append(position)
                    if runStarts.count > maximumRuns { return false }
                }
            }
            return true
        }
        guard ordered else { return false }
        guard runStarts.count > 1 else { return true }
        // Adjacent runs merged pairwise, between `keys` and a second buffer, until one is left. A run's indices are
        // all below the next run's, so taking the left key on a tie keeps the order of `sort` by (key, index).
        var other = [(key: UInt64, index: Int32)](repeating: (0, 0), count: count)
        var inOther = false
        var starts = runStarts
        keys.withUnsafeMutableBufferPointer { first in
            other.withUnsafeMutableBufferPointer { second in
                while starts.count > 1 {
                    let source = inOther ? second : first
                    let target = inOther ? first : second
                    var merged: [Int] = []
                    var run = 0
                    while run < starts.count {
                        let low = starts[run]
                        let middle = run + 1 < starts.count ? starts[run + 1] : count
                        let high = run + 2 < starts.count ? starts[run + 2] : count
                        merged.append(low)
                        var left = low, right = middle, out = low
                        while left < middle && right < high {
                            if source[right].key < source[left].key {
                                target[out] = source[right]
                                right += 1
                            } else {
                                target[out] = source[left]
                                left += 1
                            }
                            out += 1
                        }
                        while left < middle { target[out] = source[left]; left += 1; out += 1 }
                        while right < high { target[out] = source[right]; right += 1; out += 1 }
                        run += 2
                    }
                    starts = merged
                    inOther.toggle()
                }
            }
        }
        if inOther { keys = other }
        return true
    }

    /// Spans read in place and one span written per merged group (copying each span in and out, its person id
    /// retained and released every time, was most of the merge's instructions).
    private static func mergeSorted(_ order: some Sequence<Int>, _ spans: [RedactionSpan], allowed: [Range<Int>],
                                    drop: Drop?) -> [RedactionSpan] {
        var merged: [RedactionSpan] = []
        merged.reserveCapacity(spans.count)
        spans.withUnsafeBufferPointer { spans in
            // The group being merged: its range, and the span whose kind (the most specific) names it.
            var group: (start: Int, end: Int, named: Int)?
            // The allowed ranges starting at or before the current span's start (spans come by start).
            var allowedBefore = 0
            // The detector alone compared per span: binding `drop` (a closure) for every span retained and
            // released its context each time (43,000 a MiB in the release profile).
            let dropped = drop?.detector
            for position in order {
                let start = spans[position].start, end = spans[position].end
                while allowedBefore < allowed.count, allowed[allowedBefore].lowerBound <= start { allowedBefore += 1 }
                if allowedBefore > 0, end <= allowed[allowedBefore - 1].upperBound { continue }
                if let dropped, spans[position].detectorID == dropped, let drop, drop.test(spans[position]) { continue }
                if var current = group, start <= current.end {
                    if end > current.end { current.end = end }
                    if spans[position].kind.specificity > spans[current.named].kind.specificity { current.named = position }
                    group = current
                    continue
                }
                if let done = group { merged.append(Self.span(spans[done.named], done.start, done.end)) }
                group = (start, end, position)
            }
            if let done = group { merged.append(Self.span(spans[done.named], done.start, done.end)) }
        }
        return merged
    }

    @inline(__always) private static func span(_ named: RedactionSpan, _ start: Int, _ end: Int) -> RedactionSpan {
        var span = named
        span.start = start
        span.end = end
        return span
    }
}
