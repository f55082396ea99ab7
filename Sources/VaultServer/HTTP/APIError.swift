import BundleExport
import Consent
import VaultModel
import Foundation
import Hummingbird
import BundleModel
import VaultCrypto
import VaultCore

/// Every error the API returns: a status, a stable code, one sentence for a person, and for a refusal by the vault's
/// rules the decision itself. The words come from the core's typed errors: the server re-decides nothing.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let body: Body
    var headers: HTTPFields = [:]

    struct Body: Encodable, Sendable {
        let error: String
        let message: String
        var decision: RefusalDecision? = nil
    }

    /// What the core decided: which rules, why, and what would allow it.
    struct RefusalDecision: Encodable, Sendable {
        /// "consent" (the consent rules), "acknowledgement" (a warning to acknowledge first) or "role" (the access table).
        let kind: String
        let outcome: String
        let ruleIDs: [String]
        var operation: String? = nil
        /// The consent action the rules were asked about, when they were (a role refusal of a non-member: view_documents).
        var action: String? = nil
        /// The case the rules were asked about, as the account may see it named (its reference), on a consent refusal.
        var caseLabel: String? = nil
        let explanation: [String]
        let wouldAllow: [String]

        enum CodingKeys: String, CodingKey {
            case kind, outcome, operation, action, explanation
            case caseLabel = "case"
            case ruleIDs = "rule_ids"
            case wouldAllow = "would_allow"
        }
    }

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, decision: RefusalDecision? = nil) {
        self.status = status
        body = Body(error: code, message: message, decision: decision)
    }

    /// The one answer to every failed login, whatever failed (unknown file, other vault, wrong passphrase, removed
    /// account): a caller learns nothing about which.
    static let loginFailed = APIError(.unauthorized, "login_failed", "login failed: check the identity file and passphrase, then try again")
    static let notLoggedIn = APIError(.unauthorized, "not_logged_in", "log in first (POST /api/v1/login); your session may have expired")

    /// The database did not answer in time (see DatabaseDeadline): nothing was done, and a retry may work.
    static let databaseUnavailable = APIError(.serviceUnavailable, "database_unavailable",
                                              "the vault's database is not answering, so nothing was done; try again in a minute, and if it "
                                              + "keeps failing tell the administrator")

    static func tooManyAttempts(retryAfter: Int64) -> APIError {
        var error = APIError(.tooManyRequests, "too_many_attempts", "too many failed logins: wait and try again later")
        error.headers[.retryAfter] = String(retryAfter)
        return error
    }

    /// The core's refusals as 403 with their decision; what was not found as 404; anything else as 500 whose details
    /// stay in the server's log (they can name files and records), keyed by the request id.
    static func from(_ error: any Error, requestID: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as AccessError:
            return fromAccess(error)
        case VaultError.notFound(let kind, let id):
            return APIError(.notFound, "not_found", "no \(kind) \(id) in this vault")
        case VaultError.keyNotHeld(let scope, _):
            return APIError(.forbidden, "key_not_held", "your identity holds no key for \(scope): ask a manager to assign you to the case",
                            decision: RefusalDecision(kind: "keys", outcome: "deny", ruleIDs: [], explanation: ["the key is not wrapped to your identity"],
                                                      wouldAllow: ["an assignment to the case, or a manager role in its organisation"]))
        case VaultError.invalidInput(let text):
            return APIError(.badRequest, "invalid_input", text)
        case let error as BundleError:
            return fromBundle(error)
        case let error as BundleExportError:
            return fromBundleExport(error)
        case let error as VaultError:
            switch error {
            case .caseNotOpen, .alreadyTransferred:
                return APIError(.conflict, "conflict", error.description)
            case .ambiguousName:
                return APIError(.badRequest, "ambiguous_name", error.description)
            case .personErased:
                return APIError(.gone, "erased", error.description)
            default:
                return serverError(requestID)
            }
        default:
            return serverError(requestID)
        }
    }

    static func serverError(_ requestID: String) -> APIError {
        APIError(.internalServerError, "server_error", "the server could not complete this request (request \(requestID)); try again, "
                 + "and if it keeps failing give the administrator this request id")
    }

    static func fromAccess(_ error: AccessError) -> APIError {
        switch error {
        case .consentRefused(let check):
            let decision = check.caseDecision
            // The CLI's words (names the account may see), so a refusal reads the same locally and over the server.
            return APIError(.forbidden, "refused", check.refusalSentence,
                            decision: RefusalDecision(kind: "consent", outcome: decision.outcome.rawValue, ruleIDs: decision.ruleIDs.map(\.rawValue),
                                                      action: check.request.action.rawValue, caseLabel: check.caseLabel,
                                                      explanation: decision.explanation,
                                                      wouldAllow: decision.ruleIDs.map(\.remedy).filter { !$0.isEmpty }.uniqued()))
        case .acknowledgementNeeded(let check, let missing):
            let warnings = check.decision.findings.filter { missing.contains($0.rule) }.map { "\($0.rule.rawValue): \($0.text)" }.uniqued()
            return APIError(.forbidden, "acknowledgement_needed", error.description,
                            decision: RefusalDecision(kind: "acknowledgement", outcome: check.decision.outcome.rawValue,
                                                      ruleIDs: missing.map(\.rawValue), explanation: warnings,
                                                      wouldAllow: ["read the warning, then repeat the request with "
                                                                   + missing.map { "acknowledge=\($0.rawValue)" }.joined(separator: "&")]))
        case .refused(let operation, _, let subject, let reason):
            return APIError(.forbidden, "refused", error.description, decision: roleDecision(operation, subject: subject, reason: reason))
        case .awaitingConfirmation:
            return APIError(.forbidden, "awaiting_confirmation", error.description)
        case .unknownAccount, .notYourIdentity, .accountRemoved, .identityReplaced:
            // The session's account acts no more: the session ends (the caller deletes it) and the client logs in again.
            return notLoggedIn
        }
    }
}

extension APIError {
    func response() -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let data = (try? JSONEncoder.api.encode(body)) ?? Data("{\"error\":\"server_error\"}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension JSONEncoder {
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// A JSON body with the API's headers.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try JSONEncoder.api.encode(value)
    return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}
