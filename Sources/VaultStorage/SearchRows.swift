import Foundation

/// The columns a name search reads for every person, and no more: finding someone among 100 000 people must not
/// decode five sealed fields per row that the search never opens.
public struct PersonSearchRow: Sendable, Equatable {
    public var id: String
    /// The account that registered the person (who may see them before they are on a case).
    public var addedBy: String?
    public var erased: Bool
    public var nameSealed: Data
    public var dobSealed: Data?
    public var nhsNumberIndex: Data?

    public init(id: String, addedBy: String?, erased: Bool, nameSealed: Data, dobSealed: Data?, nhsNumberIndex: Data?) {
        self.id = id
        self.addedBy = addedBy
        self.erased = erased
        self.nameSealed = nameSealed
        self.dobSealed = dobSealed
        self.nhsNumberIndex = nhsNumberIndex
    }
}

extension DirectoryReading {
    /// The way any store can answer: every row read, then cut into batches.
    public func personSearchRows(batchRows: Int, _ body: ([PersonSearchRow]) throws -> Void) throws {
        let rows = try personSearchRows()
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + max(1, batchRows))
            try body(Array(rows[start..<end]))
            start = end
        }
    }
}
