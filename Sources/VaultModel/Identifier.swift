// Typed ids: a case id cannot be passed where a document id is expected, and a listing cannot print a person's id
// where an organisation's was meant. Stored and printed as the same text as before ("case-1a2b…"), so vaults,
// audit logs and scripts see no change; the type exists only in the code.

/// What one kind of id names, and the prefix new ids of that kind start with.
public protocol IdentifierTag: Sendable {
    /// Before the dash in a new id ("case" in "case-1a2b3c4d5e6f7a8b"). Ids made by earlier releases, or by a
    /// reference lookup, are taken as they are: the prefix is a convention for people reading ids, not a check.
    static var prefix: String { get }
}

public struct Identifier<Tag: IdentifierTag>: RawRepresentable, Hashable, Comparable, Codable, Sendable,
    CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Encoded as the bare string, as the untyped ids were.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The kinds of id the vault hands out, one tag each.
public enum IDTag {
    public enum Organisation: IdentifierTag { public static let prefix = "org" }
    /// An account: an advocate, a manager or an administrator.
    public enum Account: IdentifierTag { public static let prefix = "adv" }
    /// Anyone the vault records: a client, a representative, a third party named in a document.
    public enum Person: IdentifierTag { public static let prefix = "per" }
    public enum Case: IdentifierTag { public static let prefix = "case" }
    public enum Document: IdentifierTag { public static let prefix = "doc" }
    /// A sealed record: a consent, an authority, a capacity assessment, a note, a reminder.
    public enum Record: IdentifierTag { public static let prefix = "rec" }
}

public typealias OrganisationID = Identifier<IDTag.Organisation>
public typealias AccountID = Identifier<IDTag.Account>
public typealias PersonID = Identifier<IDTag.Person>
public typealias CaseID = Identifier<IDTag.Case>
public typealias DocumentID = Identifier<IDTag.Document>
public typealias RecordID = Identifier<IDTag.Record>

extension Identifier {
    /// The raw ids of several typed ones, for storage queries and the engines (which take plain strings).
    public static func raw(_ ids: some Sequence<Self>) -> [String] { ids.map(\.rawValue) }
}
