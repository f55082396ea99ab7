import ArgumentParser
import Foundation
import VaultCrypto
import BundleModel
import HelperProcess
import VaultClient
import VaultCore

/// An error for the user: what happened, then how to fix it, age-style on stderr:
/// `casevault: error: …` / `casevault: hint: …`.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    /// Why, line by line (e.g. the consent rules that refused), printed between the error and its hints.
    var reasons: [String] = []
    var hints: [String] = []
    var exitCode: Int32 = 1

    init(_ message: String, reasons: [String] = [], hints: [String] = [], exitCode: Int32 = 1) {
        self.message = message
        self.reasons = reasons
        self.hints = hints
        self.exitCode = exitCode
    }

    /// The message alone: what the parser prints should a CLIError ever reach it from a `validate()`.
    var description: String { message }

    /// An error no presentation knows: its own words when it has them, else its kind, never a Swift dump.
    static func unexpected(_ error: Error) -> CLIError {
        let words: String
        // `as? CustomStringConvertible` always succeeds for an Error on Linux; the type tells whether it has words.
        if let localized = error as? LocalizedError, let text = localized.errorDescription {
            words = text
        } else if type(of: error) is any CustomStringConvertible.Type {
            words = String(describing: error)
        } else {
            words = "an unexpected internal error (\(type(of: error)))"
        }
        return CLIError(words, hints: ["nothing more is known; if it happens again, report it with the command you ran"])
    }

    func report() {
        Terminal.printError("casevault: error: \(message)")
        for reason in reasons { Terminal.printError("casevault: because: \(reason)") }
        for hint in hints { Terminal.printError("casevault: hint: \(hint)") }
    }

    /// Explains the library errors a user can act on; nil leaves the error to ArgumentParser.
    static func presenting(_ error: Error) -> CLIError? {
        switch error {
        case let error as FileError:
            return CLIError(error.description, hints: error.hints)
        case let error as VaultSetupError:
            return CLIError(error.description, hints: error.hints)
        case let error as KeyFileError:
            return CLIError(error.description, hints: hints(for: error))
        case let error as VaultError:
            // Holding no key to a case is a refusal like any other (exit 3): the keys enforce the same rule.
            if case .keyNotHeld = error { return CLIError(error.description, hints: hints(for: error), exitCode: 3) }
            return CLIError(error.description, hints: hints(for: error))
        case let error as IdentityFileError:
            return CLIError(error.description, hints: IdentityHints.hints(error))
        case let error as AccessError:
            return ConsentGate.refusal(error)
        case let error as ClientError:
            return ServerErrors.present(error)
        case let error as CaseSetUpError:
            return CLIError(error.description, hints: CaseSituationText.hints(error))
        case let error as StoreError:
            return CLIError(error.description, hints: error.hints)
        case let error as VaultCryptoError:
            return CLIError(error.description)
        case let error as BundleJobFailure:
            return CLIError(error.description + "; nothing was written")
        case let error as HelperProgramMissing:
            return CLIError(error.description, hints: ["reinstall with make install (it installs casevault, casevault-pdf and casevault-server together)"])
        case let error as BundleError:
            return CLIError(error.description + "; nothing was written", hints: bundleHints(error))
        default:
            return nil
        }
    }

    static func bundleHints(_ error: BundleError) -> [String] {
        switch error {
        case .unsupported: ["choose the documents with --docs, leaving this one out"]
        // The vault decrypted these documents intact: the files themselves are the problem, so the hints are
        // about the file (the vault's own check, verify --read-data, would find nothing wrong).
        case .unreadable: ["the file itself is damaged: ask the sender for a new copy, or leave it out with --docs"]
        case .tooLarge: ["ask the sender for a copy at an ordinary page size (printing it to PDF again usually does), or leave it out with --docs"]
        case .noPages: ["ask the sender for a complete copy, or leave it out with --docs"]
        case .passwordProtected: ["ask the sender for an unprotected copy (casevault does not open password-protected PDFs), or leave it out with --docs"]
        case .nothingToBundle: ["choose documents that have pages to show with --docs, or ingest readable copies"]
        case .everyPageNeedsReview: ["check the pages flagged in 'casevault export --dry-run' and add --include-unreviewed, or ingest readable copies"]
        case .checkFailed: ["try again; if it keeps failing, run with CASEVAULT_OCR=off to see whether OCR is the cause"]
        case .analysisLimit:
            ["a file built to stall or exhaust PDF readers is not safe to put in a bundle: leave it out of --docs, or ask the sender for a plain copy",
             "if it is a genuine large file, allow more with --analysis-seconds or --analysis-memory"]
        case .leak:
            ["register the person on the case (case add-person) or add the term (redact terms add) so every occurrence is found, then export again",
             "'casevault export --dry-run' shows what is redacted per document"]
        }
    }

    /// The core's hints name no flag; for the state checks the CLI names its own.
    static func hints(for error: VaultError) -> [String] {
        switch error {
        case .olderState:
            ["if another copy of this vault folder is newer (a sync, a second disk), put that one back",
             "if you restored a backup on purpose, restore it with 'casevault restore', which records it",
             "if you know why this vault is older and accept it, run the command again with --accept-older-state REASON (recorded in the audit log)"]
        case .stateMarkInvalid(let path):
            ["the record is kept outside the vault so that an older copy of it is noticed; someone may have edited \(path)",
             "if you trust this copy of the vault, run the command again with --accept-older-state REASON: the record is rewritten and the reason audited"]
        default:
            error.hints
        }
    }

    static func hints(for error: KeyFileError) -> [String] {
        switch error {
        case .wrongPassphrase:
            ["check the passphrase (CASEVAULT_PASSPHRASE, --passphrase-file, or the prompt); nothing was changed"]
        case .passphraseRequired:
            ["set CASEVAULT_PASSPHRASE or pass --passphrase-file FILE, or run in a terminal to be prompted"]
        case .empty, .notJSON, .malformed, .damaged:
            ["restore the key file from where you keep its copy (see README: 'Keeping the key file'); nothing was changed"]
        case .belongsToAnotherVault, .madeForAnotherVault:
            ["point --keys / CASEVAULT_KEYS at this vault's own key file"]
        case .weakOrInvalidKDFParameters:
            ["the file may have been tampered with; restore the key file from your copy"]
        case .unsupportedFormatVersion:
            ["upgrade casevault"]
        case .unknownVersion, .lastActiveKey, .alreadyDestroyed:
            ["see 'casevault keys show' for the versions in the key file"]
        case .destroyedVersion:
            ["a backup made before the last 'casevault keys rotate' opens nothing once the older version is retired: "
                + "restore a backup made after the rotation"]
        case .auditKeyMissing:
            ["restore the key file from the copy you keep (see README: 'Keeping the key file'); nothing was changed"]
        case .auditKeyNotStored:
            ["run any command on the vault (for example 'casevault keys show') so the key file is updated, then retire again"]
        }
    }
}
