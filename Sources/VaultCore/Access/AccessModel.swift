import VaultModel
import Consent

/// The acting account, as the vault knows it.
public struct Account: Sendable, Equatable {
    public let id: String
    public let organisationID: String?
    public let role: AccountRole
    /// Added to an organisation with key holders and not yet confirmed by one of them: it acts on no case or person.
    public var awaitsConfirmation = false
}

/// Every operation on the vault, each with the one rule that authorizes it. The CLI maps each command to one
/// of these (a test fails when a command has none), and SECURITY.md prints this table.
public enum VaultOperation: String, CaseIterable, Sendable {
    case organisationAdd = "organisation.add"
    case organisationChange = "organisation.change"
    case accountAdd = "account.add"
    case accountConfirm = "account.confirm"
    case identityRenew = "identity.renew"
    case directoryList = "directory.list"
    case personAdd = "person.add"
    case personRead = "person.read"
    case personChange = "person.change"
    case caseOpen = "case.open"
    case caseList = "case.list"
    case caseRead = "case.read"
    case caseChange = "case.change"
    case caseTransfer = "case.transfer"
    case caseErase = "case.erase"
    case organisationAllowList = "organisation.allow_list"
    case documentIngest = "document.ingest"
    case documentRead = "document.read"
    case bundleExport = "bundle.export"
    case deadlines = "case.deadlines"
    case auditRead = "audit.read"
    case consentExplain = "consent.explain"
    case vaultCheck = "vault.check"
    case vaultMaintenance = "vault.maintenance"
    /// Needs the key file only: creating a vault, restoring one, checking a bundle's signature.
    case keyHolder = "key_holder"

    /// What the operation does, in words for refusals ("… may not <summary>").
    public var summary: String {
        switch self {
        case .organisationAdd: "add an organisation"
        case .organisationChange: "change this organisation's settings"
        case .accountAdd: "add an account"
        case .accountConfirm: "confirm this new account"
        case .identityRenew: "renew its own identity's keys"
        case .directoryList: "list organisations and accounts"
        case .personAdd: "register a person"
        case .personRead: "see this person's record"
        case .personChange: "change this person's record"
        case .caseOpen: "open a case for this organisation"
        case .caseList: "list cases"
        case .caseRead: "read this case's records"
        case .caseChange: "change this case's records"
        case .caseTransfer: "transfer this case"
        case .caseErase: "erase this case"
        case .organisationAllowList: "change this organisation's redaction allow-list"
        case .documentIngest: "add documents to this case"
        case .documentRead: "read this case's documents"
        case .bundleExport: "export a bundle of this case"
        case .deadlines: "see this case's deadlines"
        case .auditRead: "read the audit log"
        case .consentExplain: "ask the consent rules about this case"
        case .vaultCheck: "check the vault"
        case .vaultMaintenance: "change the vault's keys or back it up"
        case .keyHolder: "use the key file"
        }
    }

    /// Who may, in words for SECURITY.md and for refusals.
    public var who: String {
        switch self {
        case .organisationAdd, .accountAdd: "an administrator"
        case .accountConfirm: "a confirmed manager of the account's organisation (its confirmed advocates if it has no manager), not the account itself, "
            + "with the fingerprint the person reads from their own identity file, after they renewed it"
        case .identityRenew: "the account itself, while it awaits confirmation"
        case .directoryList: "any account"
        case .personAdd, .caseOpen: "an advocate or manager (for their own organisation)"
        case .personRead: "an account that may read a case the person is on, or who registered them"
        case .personChange: "an assigned advocate or manager of a case the person is on, or who registered them"
        case .caseList: "any account; shows only cases it may read"
        case .caseRead: "an assigned advocate, a manager of the case's organisation, or anyone the consent rules allow to view it"
        case .caseChange: "an assigned advocate or a manager of the case's organisation"
        case .caseTransfer: "an assigned advocate or a manager of the case's organisation; the recipient is a partner organisation in this vault"
        case .caseErase: "a manager of the case's organisation, with a reason"
        case .organisationAllowList: "a manager of that organisation"
        case .organisationChange: "an administrator, or a manager of that organisation"
        case .documentIngest, .documentRead, .bundleExport, .deadlines: "whoever the consent rules allow"
        case .auditRead: "an administrator, or a manager (events of their organisation's cases)"
        case .consentExplain: "any advocate or manager, about their own access (the explanation a refusal gives)"
        case .vaultCheck: "whoever holds the key file (it shows no personal data)"
        case .vaultMaintenance: "an administrator or a manager"
        case .keyHolder: "whoever holds the key file (no account yet, or none needed)"
        }
    }

    /// The consent action the engine is asked about, if any.
    public var consent: ConsentAction? {
        switch self {
        case .documentIngest: .ingestDocument
        case .documentRead, .caseRead: .viewDocuments
        case .bundleExport: .exportBundle
        case .deadlines: .checkDeadlines
        default: nil
        }
    }
}
