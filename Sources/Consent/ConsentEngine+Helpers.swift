/// Small helpers for the engine's hot path. A decision examines every record (100 or more in a busy case)
/// and the latency target is 200 µs, so these avoid the temporary arrays, sets and record copies that
/// `map`/`filter`/`Set(...)` would make for each record; the results are the same as those spellings.
extension Array where Element == Finding {
    /// The most severe outcome (nil when there are no findings), without an array of outcomes. By index:
    /// `contains(where:)` and `for in` copy each finding (retaining its sentence) to read one byte.
    var maxOutcome: Outcome? {
        var most: Outcome?
        for index in indices {
            let outcome = self[index].outcome
            if let current = most, outcome <= current { continue }
            most = outcome
        }
        return most
    }

    var hasDeny: Bool {
        for index in indices where self[index].outcome == .deny { return true }
        return false
    }

    /// `+=` that takes the other array as it is when this one is still empty (no copy, no allocation).
    mutating func add(_ more: [Finding]) {
        if isEmpty {
            self = more
        } else if !more.isEmpty {
            append(contentsOf: more)
        }
    }
}

/// The people who hold an authority: at most the grantor of a chained consent and the holder of the
/// record itself. Two fields rather than an array, and repeats skipped by comparison rather than a set.
struct Holders {
    private var first: String?
    private var second: String?

    mutating func append(_ holder: String) {
        if first == nil {
            first = holder
        } else {
            precondition(second == nil, "an authority has at most two holders")
            second = holder
        }
    }

    func contains(_ id: String) -> Bool { first == id || second == id }

    /// Each holder once, in the order added, leaving out `excluded`.
    func forEachDistinct(excluding excluded: String, _ body: (String) -> Void) {
        if let first, first != excluded { body(first) }
        if let second, second != excluded, second != first { body(second) }
    }
}

extension EvaluationContext {
    /// The records held by `party`, in id order, each passed borrowed (a record is a large value and
    /// copying one retains every string and list in it).
    func forEachAuthority(heldBy party: String, _ body: (Authority) -> Void) {
        guard var index = firstByParty[party] else { return }
        facts.authorities.withUnsafeBufferPointer { records in
            while index >= 0 {
                body(records[index])
                index = nextBySameParty[index]
            }
        }
    }
}
