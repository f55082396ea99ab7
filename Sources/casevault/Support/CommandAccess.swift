import ArgumentParser
import Foundation
import VaultCore

/// Which of the core's operations each command performs. The core enforces the rule whichever front end calls it;
/// this table lets `__access-table` list it and a test check that no command is missing (SECURITY.md prints it).
enum CommandAccess {
    static let operations: [String: [VaultOperation]] = [
        "init": [.keyHolder],
        // The server needs no account; each request then acts as its session's account, checked by the core.
        "serve": [.keyHolder], "passwd": [.keyHolder], "unlock": [.keyHolder], "lock": [.keyHolder],
        // The session's account acts on the server; each request is checked there by the core.
        "login": [.keyHolder], "logout": [.keyHolder],
        "migrate": [.vaultMaintenance], "recovery restore": [.organisationChange],
        "keys show": [.vaultCheck], "keys rotate": [.vaultMaintenance], "keys retire": [.vaultMaintenance], "keys share": [.caseChange],
        "recovery split": [.organisationChange],
        "org add": [.organisationAdd], "org update": [.organisationChange], "org list": [.directoryList],
        "advocate add": [.accountAdd], "advocate list": [.directoryList], "advocate remove": [.organisationChange],
        "advocate confirm": [.accountConfirm], "identity show": [.keyHolder], "identity renew": [.identityRenew],
        "person add": [.personAdd], "person list": [.personRead], "person show": [.personRead], "person find": [.personRead],
        "person update": [.personChange], "person edit": [.personChange], "person history": [.personRead],
        "case open": [.caseOpen], "case list": [.caseList], "case show": [.caseRead], "case close": [.caseChange],
        "case rekey": [.caseChange], "case erase": [.caseErase], "case transfer": [.caseTransfer], "case event": [.caseChange],
        "case add-person": [.caseChange], "case update": [.caseChange], "case assign": [.caseChange], "case unassign": [.caseChange],
        "ingest": [.documentIngest], "list": [.documentRead], "search": [.documentRead], "show": [.documentRead], "cat": [.documentRead],
        "verify": [.vaultCheck, .vaultMaintenance], "backup": [.vaultMaintenance], "restore": [.keyHolder],
        "audit log": [.auditRead], "audit verify": [.vaultCheck], "audit checkpoint": [.vaultCheck],
        "consent record": [.caseChange], "consent withdraw": [.caseChange], "consent void": [.caseChange], "consent confirm-handover": [.caseChange], "consent list": [.caseRead], "consent show": [.caseRead],
        "consent check": [.consentExplain], "consent evaluate": [.keyHolder],
        "capacity record": [.personChange], "capacity list": [.personRead],
        "deadlines": [.deadlines], "document retag": [.caseChange], "document remove": [.caseChange], "document history": [.caseRead],
        "note add": [.caseChange], "note list": [.caseRead], "remind add": [.caseChange], "remind done": [.caseChange],
        "redact terms add": [.caseChange], "redact terms remove": [.caseChange],
        "redact allow remove": [.caseChange, .organisationAllowList], "redact allow add": [.caseChange, .organisationAllowList], "redact list": [.caseRead],
        "redact preview": [.documentRead],
        "export": [.bundleExport], "bundle verify": [.keyHolder], "bundle log": [.documentRead],
        // Your own login codes: whoever holds your identity; a reset: an administrator, or a manager of the person's organisation.
        "totp enable": [.keyHolder], "totp confirm": [.keyHolder], "totp disable": [.keyHolder], "totp status": [.keyHolder],
        "totp reset": [.organisationChange],
        "__access-table": [.keyHolder],
    ]

    /// Every runnable command path of the tree, e.g. "redact terms add".
    static func commandPaths(_ root: ParsableCommand.Type, prefix: String = "") -> [String] {
        let children = root.configuration.subcommands
        if children.isEmpty { return [prefix] }
        return children.flatMap { child in
            commandPaths(child, prefix: prefix.isEmpty ? child._commandName : prefix + " " + child._commandName)
        }
    }
}
