import Foundation

/// What went wrong in a vault operation, by id, never by name or content.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    case keyUnavailable
    /// With identities: the acting account holds no wrapper of this key (not its case, or not yet given one).
    case keyNotHeld(scope: String, account: String)
    /// Master-key operations on a vault with identities, which has no master key.
    case noMasterKeys
    /// A key file of a vault that now uses identities.
    case migratedToIdentities
    /// Every wrapper of this data key is under a master key version that was destroyed (`retireMasterKey`).
    case keyDestroyed(scope: String, masterVersions: [Int])
    case damagedKey(scope: String, version: Int)
    case damagedDocumentKey(documentID: String)
    case damagedField(table: String, column: String, rowID: String)
    case notFound(kind: String, id: String)
    case caseNotOpen(id: String, status: String)
    case blobMissing(documentID: String)
    case blobWrongSize(documentID: String, expected: Int64, found: Int64)
    case blobDamaged(documentID: String, reason: String)
    case keyVersionInUse(version: Int, wrappers: Int)
    case invalidInput(String)
    case fileChanged(path: String)
    case destinationExists(path: String)
    case actorRequired
    case newerRecordFormat(rowID: String, version: Int)
    case ambiguousName(kind: String, text: String, candidates: [String])
    /// The clock reads earlier than the newest audit event by more than the tolerance (both ISO 8601 times).
    case clockBehind(now: String, newest: String)
    /// The vault's audit log is behind the high-water mark kept outside it (rolled back, or its tail deleted).
    case olderState(markTime: String, markSequence: Int64, vaultSequence: Int64)
    /// The mark kept outside the vault does not decode or its signature is not this vault's.
    case stateMarkInvalid(path: String)
    /// The person was erased with the only case they were on; only their id is kept.
    case personErased(id: String, erasedAt: String)
    /// The case is already with the organisation it was to be transferred to (since `since`, with or without the
    /// person's agreement).
    case alreadyTransferred(caseID: String, organisation: String, since: String?, agreed: Bool)
    /// Records a command relies on differ from the state the vault last signed: changed outside casevault.
    case changedOutside(subject: String, what: String)

    public var description: String {
        switch self {
        case .keyUnavailable: "no key in this key file opens the data key (was its master key version removed?)"
        case .migratedToIdentities:
            "this vault now uses identities: the old key file opens nothing any more; each person opens the vault with their own identity file"
        case .noMasterKeys:
            "this vault has no master key: its keys follow people (identities), and each case's key is rotated on its own"
        case .keyNotHeld(let scope, let account):
            if let caseID = KeyHierarchy.caseID(ofScope: scope) {
                "\(account)'s identity holds no key to case \(caseID): only its assigned advocates and its organisation's managers can decrypt it"
            } else if let organisationID = KeyHierarchy.organisationID(ofScope: scope) {
                "\(account)'s identity holds no key to the people of organisation \(organisationID): a colleague there who holds it "
                    + "gives it when they next register or change a person"
            } else {
                "\(account)'s identity holds no key to the vault's records (\(scope)); an administrator can give it one"
            }
        case .keyDestroyed(let scope, let versions):
            "the key of \(scope == KeyHierarchy.vaultScope ? "the vault's records" : scope.replacingOccurrences(of: "case:", with: "case ")) "
                + "was wrapped only under master key version \(versions.map(String.init).joined(separator: ", ")), "
                + "which was destroyed when it was retired: it cannot be decrypted any more"
        case .damagedKey(let scope, let version): "the wrapped key for \(scope) version \(version) does not open: it is damaged or was moved"
        case .damagedDocumentKey(let id): "the wrapped key of document \(id) does not open: it is damaged or was moved"
        case .damagedField(let table, let column, let rowID): "the encrypted \(column) of \(table) row \(rowID) does not open: it is damaged or was moved"
        case .notFound(let kind, let id): "no \(kind) with id \(id)"
        case .caseNotOpen(let id, let status): "case \(id) is \(status)"
        case .blobMissing(let id): "the encrypted body of document \(id) is missing"
        case .blobWrongSize(let id, let expected, let found): "the encrypted body of document \(id) has \(found) bytes, expected \(expected)"
        case .blobDamaged(let id, let reason): "the encrypted body of document \(id) is damaged: \(reason)"
        case .keyVersionInUse(let version, let wrappers): "master key version \(version) still wraps \(wrappers) key(s)"
        case .invalidInput(let what): what
        case .fileChanged(let path): "\(path) changed while it was being read"
        case .destinationExists(let path): "\(path) already exists and is not empty"
        case .actorRequired: "this command needs to know who is acting: every action is checked against that account's role and the consent rules"
        case .ambiguousName(let kind, let text, let candidates):
            "\"\(text)\" matches \(candidates.count) \(kind)s: \(candidates.joined(separator: "; ")); nothing was done"
        case .newerRecordFormat(let id, let version): "record \(id) was written by a newer casevault (format \(version)); nothing was changed"
        case .clockBehind(let now, let newest):
            "the computer's clock says \(now), but the vault's newest audit record is dated \(newest): the clock is more than 5 minutes "
                + "behind it, so consent dates and the audit log cannot be trusted; nothing was done"
        case .olderState(let markTime, let markSequence, let vaultSequence):
            "this vault is older than the one you last used on \(markTime): it may have been rolled back or its newest records deleted "
                + "(its audit log ends at record \(vaultSequence); the one last used had record \(markSequence)); nothing was done"
        case .alreadyTransferred(let caseID, let organisation, let since, let agreed):
            "case \(caseID) is already with \(organisation)" + (since.map { " (transferred on \($0)" } ?? " (")
                + (agreed ? " with the person's agreement); nothing was changed"
                    : " without the person's agreement, so the consents given to the previous organisation do not cover "
                        + "\(organisation)'s advocates (R-CON-8)); nothing was changed")
        case .personErased(let id, let erasedAt):
            "person \(id) was erased on \(erasedAt), with the only case they were on: nothing but their id is kept"
        case .changedOutside(let subject, let what):
            "the records of \(subject) differ from the state this vault last signed: \(what), changed outside casevault; nothing was done"
        case .stateMarkInvalid(let path):
            "the record of this vault's newest state (\(path)) is damaged or was not signed with this vault's key, "
                + "so a rollback cannot be ruled out; nothing was done"
        }
    }
}
