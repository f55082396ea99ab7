import VaultModel
/// R-CON-7: the person confirmed, on `date`, that advocate `to` may take over a consent that names a colleague.
/// From that date the consent reaches `to` without a warning; before it, the warning stands.
public struct Handover: Sendable, Equatable, Codable {
    public var to: String
    public var date: CivilDate

    public init(to: String, date: CivilDate) {
        self.to = to
        self.date = date
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case to, date }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        to = try container.decode(String.self, forKey: .to)
        date = try container.decode(CivilDate.self, forKey: .date)
    }
}
