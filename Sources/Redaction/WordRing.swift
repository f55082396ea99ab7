/// The phrase matcher's ring of recent words: memory of its own, freed with the last copy of the pass's state.
final class WordRing {
    let words: UnsafeMutablePointer<Words.Word>

    init(count: Int) {
        words = .allocate(capacity: count)
        words.initialize(repeating: Words.Word(start: 0, end: 0, hash: 0), count: count)
    }

    deinit { words.deallocate() }
}
