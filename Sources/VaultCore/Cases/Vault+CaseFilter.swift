import Foundation

/// `case list --client/--advocate/--status/--body`, decided once here for every front end (the CLI's local listing
/// and the server's `GET /api/v1/cases`), so the filters mean the same on both.
extension Vault {
    public struct CaseFilter: Sendable {
        /// A client's name or id (a name is looked up among the people this account may see).
        public var client: String?
        /// An advocate's name or id.
        public var advocate: String?
        /// open, closed or erased.
        public var status: String?
        /// The NHS body, as stored on the case.
        public var nhsBody: String?

        public init(client: String? = nil, advocate: String? = nil, status: String? = nil, nhsBody: String? = nil) {
            self.client = client
            self.advocate = advocate
            self.status = status
            self.nhsBody = nhsBody
        }
    }

    /// The cases this account may read that match every filter given.
    public func cases(matching filter: CaseFilter) throws -> [CaseView] {
        let clientID = try filter.client.map(personID)
        let advocateID = try filter.advocate.map { try accountID($0).rawValue }
        return try cases().filter { view in
            (clientID.map { $0 == view.client } ?? true) && (advocateID.map(view.advocates.contains) ?? true)
                && (filter.status.map { $0 == view.status } ?? true) && (filter.nhsBody.map { $0 == view.nhsBody } ?? true)
        }
    }
}
