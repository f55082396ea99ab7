import Foundation

/// What went wrong in a vault operation, by id, never by name or content.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    case keyUnavailable
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

    public var description: String {
        switch self {
        case .keyUnavailable: "no key in this key file opens the data key (was its master key version removed?)"
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
        case .newerRecordFormat(let id, let version): "record \(id) was written by a newer casevault (format \(version)); nothing was changed"
        }
    }
}
