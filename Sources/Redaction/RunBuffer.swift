/// The run of capitalised words the name finder is reading: a buffer of `capacity` items reused from run to
/// run, written through a pointer (emptying an Array went through `replaceSubrange` for every run, and writing
/// an Array's element checked its uniqueness and bounds, both seen in the release profile).
/// Plain members, no Collection conformance: a debug build runs a protocol's default members unspecialised.
struct RunBuffer {
    typealias Element = (token: NameToken, flags: NameList.Flags)
    /// The longest run `NameFinder.Scan.take` builds.
    static let capacity = 8
    private let storage = Storage()
    private(set) var count = 0

    final class Storage {
        let items = UnsafeMutablePointer<Element>.allocate(capacity: RunBuffer.capacity)
        init() { items.initialize(repeating: (NameToken.empty, []), count: RunBuffer.capacity) }
        deinit { items.deallocate() }
    }

    var isEmpty: Bool { count == 0 }
    var indices: Range<Int> { 0..<count }
    var last: Element? { count > 0 ? storage.items[count - 1] : nil }

    subscript(position: Int) -> Element {
        precondition(position < count)
        return storage.items[position]
    }

    mutating func append(_ element: Element) {
        precondition(count < Self.capacity, "a run is ended at \(Self.capacity) words")
        storage.items[count] = element
        count += 1
    }

    mutating func removeAll() { count = 0 }
}
