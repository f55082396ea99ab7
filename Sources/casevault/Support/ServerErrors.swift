import Foundation
import VaultClient
import VaultCore

/// The team server's answers in the CLI's words. A refusal by the vault's rules reads as it does locally (the core's
/// message, its reasons, what would allow it, exit 3); the hints name this CLI's commands and flags.
enum ServerErrors {
    /// Not logged in, or the server ended the session (expired, logged out, the account removed): log in again.
    static let sessionExitCode: Int32 = 4

    static func present(_ error: ClientError) -> CLIError {
        switch error {
        case .refused(let failure):
            return refusal(failure)
        case .sessionEnded(let server):
            return CLIError(error.description, hints: ["run: casevault login --server \(server) (your identity file with --keys or $CASEVAULT_KEYS)"],
                            exitCode: sessionExitCode)
        case .notLoggedIn(let server):
            return CLIError(error.description, hints: ["run: casevault login --server \(server) (your identity file with --keys or $CASEVAULT_KEYS)"],
                            exitCode: sessionExitCode)
        case .unreachable:
            return CLIError(error.description, hints: ["check the address and your network connection; the server's administrator can tell you whether it is running"])
        case .timedOut:
            return CLIError(error.description + "; nothing more is known about whether the request was carried out",
                            hints: ["try again; for an upload, 'casevault list --case CASE' shows whether it arrived"])
        case .connectionLost:
            return CLIError(error.description, hints: ["try again; nothing partial was kept on this computer"])
        case .certificateRejected:
            return CLIError(error.description,
                            hints: ["if your organisation runs its own certificate authority, log in with --ca-file FILE (the CA certificate, from the server's administrator)",
                                    "do not work around this: a server that cannot prove who it is may not be your team's"])
        case .loginFailed:
            return CLIError(error.description, hints: ["check the identity file (--keys or $CASEVAULT_KEYS) and its passphrase, and if you have turned login codes on, "
                                                       + "add --totp CODE with the code your app shows now; after several failures the server pauses logins for a while"])
        case .tooManyAttempts:
            return CLIError(error.description, hints: ["wait, then try again with the right passphrase; an administrator can see the failures in the server's log"])
        case .failed(let failure):
            return CLIError(failure.message, hints: hints(failure))
        case .invalidServerAddress:
            return CLIError(error.description, hints: ["for example: --server https://vault.example.org:8443"], exitCode: 64)
        case .unusableCAFile:
            return CLIError(error.description, hints: ["give the certificate authority's certificate in PEM form (ask the server's administrator)"])
        case .sessionFile:
            return CLIError(error.description, hints: ["fix or remove the file, then run casevault login again"])
        case .unexpectedResponse:
            return CLIError(error.description, hints: ["check that --server names a casevault server of the same version; the server's administrator can check its log"])
        case .localFile:
            return CLIError(error.description)
        }
    }

    /// As `ConsentGate.refusal` words the core's refusal locally, from the decision the server sent.
    static func refusal(_ failure: APIFailure) -> CLIError {
        guard let decision = failure.decision else {
            return CLIError(failure.message, hints: failure.error == "awaiting_confirmation" ? [ConsentGate.awaitingHint] : [], exitCode: 3)
        }
        switch decision.kind {
        case "consent":
            let hints = (decision.wouldAllow.isEmpty ? [] : ["to proceed: " + decision.wouldAllow.joined(separator: "; ")])
                + [decision.caseLabel.flatMap { label in decision.action.map { "'casevault consent check --case \(label) --action \($0)' explains in full" } }
                    ?? "'casevault consent check' on the case explains in full"]
            return CLIError(failure.message, reasons: decision.explanation, hints: hints, exitCode: 3)
        case "acknowledgement":
            for warning in decision.explanation { Terminal.printError("casevault: warning: \(warning)") }
            return CLIError(failure.message,
                            hints: ["read the warning above, then run again with " + decision.ruleIDs.map { "--acknowledge \($0)" }.joined(separator: " ")],
                            exitCode: 3)
        case "role":
            let hint = decision.operation.flatMap(VaultOperation.init(rawValue:)).map(ConsentGate.operationHint) ?? decision.wouldAllow.first
            return CLIError(failure.message, hints: hint.map { [$0] } ?? [], exitCode: 3)
        case "keys":
            return CLIError(failure.message, hints: VaultError.keyNotHeld(scope: "", account: "").hints, exitCode: 3)
        default:
            return CLIError(failure.message, reasons: decision.explanation, exitCode: 3)
        }
    }

    static func hints(_ failure: APIFailure) -> [String] {
        switch (failure.status, failure.error) {
        case (404, _): ["'casevault case list' and 'casevault list --case CASE' show what you can reach on the server"]
        case (409, "confirmation_needed"): ["check the record; to record it anyway, run again with --yes"]
        case (413, _): ["the server's upload limit is set by its administrator (max_upload_bytes)"]
        case (500..<600, _): ["try again; if it keeps failing, give the server's administrator the request id above"]
        default: []
        }
    }
}
