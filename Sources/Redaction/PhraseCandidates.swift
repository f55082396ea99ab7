/// Lists of phrase indexes under a 64-bit key, flat: the list of `key` is `entries[start[g]..<start[g + 1]]` for
/// `g = groups[key] - 1` (no array per key, and no `Dictionary`/`Hasher` per lookup on the per-word path).
struct CandidateLists: Sendable {
    private let groups: WordTable<UInt32>
    private let start: [Int32]
    let entries: [Int32]

    /// `lists`: each key's phrases in the order they were added (spans come out in that order).
    init(_ lists: [(key: UInt64, phrases: [Int32])]) {
        precondition(lists.count < Int(UInt32.max), "too many keys for the phrase table")
        var groupOf: [UInt64: UInt32] = [:]
        var start: [Int32] = [0]
        var entries: [Int32] = []
        for (key, phrases) in lists {
            groupOf[key] = UInt32(groupOf.count + 1)
            entries += phrases
            start.append(Int32(entries.count))
        }
        groups = WordTable(groupOf)
        self.start = start
        self.entries = entries
    }

    /// The range in `entries` of `key`'s list (empty when there is none).
    @inline(__always) func range(_ key: UInt64) -> Range<Int> {
        let group = Int(groups[key])
        guard group > 0 else { return 0..<0 }
        return Int(start[group - 1])..<Int(start[group])
    }

    /// Groups `items` (key, phrase) by key, keys in first-seen order, phrases in the order given.
    static func grouped(_ items: [(UInt64, Int32)]) -> [(key: UInt64, phrases: [Int32])] {
        var order: [UInt64: Int] = [:]
        var lists: [(key: UInt64, phrases: [Int32])] = []
        for (key, phrase) in items {
            if let index = order[key] {
                lists[index].phrases.append(phrase)
            } else {
                order[key] = lists.count
                lists.append((key, [phrase]))
            }
        }
        return lists
    }
}
