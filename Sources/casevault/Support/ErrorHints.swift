import Foundation
import VaultCore
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

// What the person at the command line can do about a library error. The libraries say what happened, in words that
// fit any front end; the hints name this CLI's commands and flags, so they live here (a server words its own).

extension FileError {
    var hints: [String] {
        switch self {
        case .insecurePermissions(let subject, let path, _):
            ["run: chmod \(subject == .vaultFolder ? "700" : "600") '\(path)'"]
        case .wrongOwner(_, let path): ["run casevault as the user who owns \(path)"]
        case .missing(.vaultFolder, _): ["create a vault with 'casevault init', or point --vault / CASEVAULT_VAULT at an existing one"]
        case .missing(.keyFile, _): ["point --keys / CASEVAULT_KEYS at the vault's key file"]
        case .system(_, _, let code) where code == ENOSPC || code == EDQUOT: ["free some disk space and try again; nothing was changed"]
        default: []
        }
    }
}

extension VaultSetupError {
    var hints: [String] {
        switch self {
        case .folderNotEmpty: ["choose a new folder with --vault, or remove the old one if it holds nothing you need"]
        case .notAVault: ["check --vault / CASEVAULT_VAULT, or create a vault with 'casevault init'"]
        case .damagedVaultInfo: ["restore vault.json from a backup ('casevault restore'); nothing was changed"]
        case .newerFormat: ["upgrade casevault to open this vault"]
        case .keyFileExists: ["choose another --keys path, or move the existing key file away if it belongs to no vault"]
        case .identityOfAnotherVault: ["use your identity file for this vault with --keys or $CASEVAULT_KEYS"]
        }
    }
}

extension VaultError {
    var hints: [String] {
        switch self {
        case .keyUnavailable, .damagedKey, .damagedDocumentKey, .damagedField, .blobMissing, .blobWrongSize, .blobDamaged:
            ["run 'casevault verify --read-data' for a full report; restore from a backup with 'casevault restore'"]
        case .notFound(let kind, _): ["list the \(kind)s with the matching 'list' command"]
        case .keyVersionInUse: ["run 'casevault keys rotate' first, so every key is rewrapped under a newer version"]
        case .keyDestroyed:
            ["this is how an erased case stays erased in old backups; a backup made before the last 'casevault keys rotate' "
                + "opens nothing once the older version is retired: restore a backup made after the rotation"]
        case .fileChanged: ["try again when nothing is writing to the file"]
        case .destinationExists: ["choose a new or empty folder"]
        case .actorRequired: ["pass --as ADVOCATE-ID (or set CASEVAULT_ADVOCATE); 'casevault advocate list' shows the ids"]
        case .newerRecordFormat: ["upgrade casevault to read this vault"]
        case .ambiguousName: ["use more of the name, or the id shown in brackets"]
        case .clockBehind: ["check the computer's clock (date, time and time zone), then try again"]
        case .olderState:
            ["put the newest copy of the vault folder back; if this older state is expected, accept it with --accept-older-state REASON (recorded in the audit log)"]
        case .stateMarkInvalid:
            ["if you trust this copy of the vault, accept its state with --accept-older-state REASON (recorded in the audit log; the record is rewritten)"]
        case .changedOutside:
            ["run 'casevault verify' to see every record that was changed; restore the newest backup made before the change with 'casevault restore'"]
        case .alreadyTransferred(let caseID, let organisation, _, let agreed):
            agreed ? ["'casevault case show \(caseID)' lists the transfers"]
                : ["when the person agrees, record it with: casevault case transfer \(caseID) --to \(organisation) --consented "
                    + "(or --consent-form FILE, their signed agreement); a manager of \(organisation) or an advocate assigned to the case runs it"]
        case .keyNotHeld: ["ask an advocate assigned to the case, or a manager of its organisation, to do this",
                           "if you are entitled (a manager added after the case was opened), one of them gives you the key with: casevault keys share"]
        case .noMasterKeys: ["'casevault case rekey CASE' rotates one case's key"]
        case .migratedToIdentities: ["give your identity file with --keys FILE (or $CASEVAULT_KEYS); the old key file can be destroyed"]
        case .caseNotOpen, .invalidInput, .personErased: []
        }
    }
}

extension StoreError {
    var hints: [String] {
        switch self {
        case .newerSchema: ["upgrade casevault to open this vault"]
        case .notADatabase: ["restore the vault from a backup with 'casevault restore'; nothing was changed"]
        case .busy: ["try again in a moment"]
        case .diskFull: ["free some disk space and try again; nothing was changed"]
        case .failed: ["run 'casevault verify' to check the vault"]
        }
    }
}

enum IdentityHints {
    static func hints(_ error: IdentityFileError) -> [String] {
        switch error {
        case .wrongPassphrase:
            ["type it again; forgotten? an administrator or your manager can give you a new identity ('casevault recovery restore')"]
        case .passphraseRequired: ["give it with $CASEVAULT_PASSPHRASE or --passphrase-file FILE, or run 'casevault unlock' first in a terminal"]
        case .isVaultKeyFile: ["this vault may still need 'casevault migrate'; otherwise use your own identity file with --keys"]
        case .empty, .notJSON, .malformed, .damaged:
            ["use an intact copy of your identity file; without one, an administrator or your manager can re-issue it ('casevault recovery restore')"]
        case .unsupportedFormatVersion: ["upgrade casevault to read this identity file"]
        case .weakOrInvalidKDFParameters: ["this file was edited: use an intact copy of your identity file"]
        case .notThisIdentity: []
        }
    }
}
