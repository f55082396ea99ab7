extension Sequence where Element: Hashable {
    /// The elements in their first order, each once: lists people read (rule remedies, NHS bodies, names) keep the
    /// order they were given in, which a Set would lose.
    public func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
