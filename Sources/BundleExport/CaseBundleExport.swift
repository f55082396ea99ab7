import BundleModel
import Consent
import Foundation
import HelperProcess
import Redaction
import VaultCrypto
import VaultCore

/// What to put in a case's meeting bundle and for whom: `casevault export`'s options and the server's bundle request,
/// as values (the policy already parsed; files and flags are the front end's business).
public struct BundleExportOptions: Sendable {
    /// The meeting, as printed on the cover and every page.
    public var meeting: String
    /// Who receives the bundle: the NHS body's organisation id, or a third party named in the consent.
    public var recipient: String
    /// Only these documents, of any kind (default: the case's letters, emails, replies and evidence).
    public var documentIDs: [String] = []
    public var includeKinds: Set<DocumentKind> = []
    public var ourReference: String?
    public var theirReference: String?
    /// The recipient's name for the cover (default: the registered organisation's name).
    public var recipientName: String?
    public var policy: RedactionPolicy
    /// The policy as the advocate gave it, kept in the redaction log.
    public var policyLabel: String
    /// Put in pages that need a person to check them; the advocate has checked them.
    public var includeUnreviewed = false
    public var ocrEveryPage = false
    public var analysisLimits = AnalysisLimits()

    public init(meeting: String, recipient: String, policy: RedactionPolicy, policyLabel: String) {
        self.meeting = meeting
        self.recipient = recipient
        self.policy = policy
        self.policyLabel = policyLabel
    }
}

/// Why a bundle cannot be made from what was asked, before anything is drawn (naming no option of any front end).
public enum BundleExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A document chosen one by one is not a document of the case.
    case documentNotInCase(documentID: String, caseID: String)
    /// Nothing of the case goes into a bundle by default, and nothing was chosen.
    case nothingSelected(caseID: String)

    public var description: String {
        switch self {
        case .documentNotInCase(let document, let caseID): "document \(document) is not in case \(caseID); nothing was done"
        case .nothingSelected(let caseID): "case \(caseID) has no document that goes into a bundle by default; nothing was done"
        }
    }
}

/// The export use case (`casevault export`, the server's POST …/bundles): the consent rules asked for the recipient,
/// the documents chosen and decrypted (each read audited as `bundle.read`), the bundle made and leak-checked by
/// casevault-pdf, handed to the front end to deliver, and only then recorded in the vault's redaction log with its
/// `bundle.export` event; a refusal after the consent check is audited as a failed export.
public struct CaseBundleExport {
    public let vault: Vault
    public let caseID: CaseID
    public let options: BundleExportOptions
    public let detail: Vault.CaseView

    /// Resolves the case (id or reference) and asks the consent rules, before any document is decrypted. Sharing with
    /// the case's NHS body is export_bundle towards it; anyone else also needs share_with_third_party naming them
    /// (R-DATA-1). Acknowledgements are the vault's (`vault.acknowledged`).
    public init(vault: Vault, caseText: String, options: BundleExportOptions) throws {
        self.vault = vault
        self.options = options
        caseID = try vault.caseID(caseText)
        detail = try vault.caseDetail(caseID)
        if let nhsBody = detail.nhsBody, nhsBody != options.recipient {
            try vault.requireConsent(.exportBundle, caseID: caseID, targetOrg: OrganisationID(nhsBody))
            try vault.requireConsent(.shareWithThirdParty, caseID: caseID, targetOrg: OrganisationID(options.recipient))
        } else {
            try vault.requireConsent(.exportBundle, caseID: caseID, targetOrg: OrganisationID(options.recipient))
        }
    }

    /// Which documents go in, and why the others stay out. Forms behind records of authority count as evidence of
    /// authority whatever kind they were stored as (vaults older than authority_evidence stored them as evidence).
    public func select() throws -> BundleSelection {
        var forms: [String: String] = [:]
        for stored in try vault.authorities(caseID: caseID) { if let form = stored.formDocumentID { forms[form] = stored.authority.id } }
        return BundleSelection(documents: try vault.documents(caseID: caseID), named: options.documentIDs, includeKinds: options.includeKinds,
                               authorityForms: forms)
    }

    /// The chosen documents, decrypted into memory. Documents chosen one by one must all be the case's and usable,
    /// checked before anything is decrypted.
    public func loadDocuments(_ selection: BundleSelection) throws -> [BundleSource] {
        for id in options.documentIDs {
            guard let entry = selection.entries.first(where: { $0.document.id.rawValue == id }) else {
                throw BundleExportError.documentNotInCase(documentID: id, caseID: caseID.rawValue)
            }
            if case .cannotBeBundled(let mediaType) = entry.reason { throw BundleError.unsupported(documentID: id, mediaType: mediaType) }
        }
        let chosen = selection.included
        if chosen.isEmpty { throw BundleExportError.nothingSelected(caseID: caseID.rawValue) }
        return try chosen.map { document in
            var sink = ArraySink()
            try vault.decrypt(documentID: document.id, to: &sink, purpose: .bundle)
            return BundleSource(documentID: document.id.rawValue, name: document.name, mediaType: document.mediaType, documentDate: document.documentDate,
                                ingestedAt: document.ingestedAt, ciphertextSHA256: document.ciphertextSHA256, plaintext: sink.bytes)
        }
    }

    /// The bundle's request: cover, redaction context and policy. `recipientUnregistered`: the recipient is no
    /// registered organisation and no name was given, so the cover names it by its id.
    public func request() throws -> (request: BundleRequest, recipientUnregistered: Bool) {
        let organisations = try vault.organisations()
        let acting = vault.actor
        let advocate = try vault.advocates().first { $0.id == acting }
        let today = vault.today()
        var request = BundleRequest(vaultID: vault.vaultID, caseID: caseID.rawValue, bundleID: try vault.newBundleID(), clientName: try vault.person(detail.client).name,
                                    meeting: options.meeting, recipientID: options.recipient,
                                    recipientName: organisations.first { $0.id == options.recipient }?.name ?? options.recipient,
                                    preparedBy: Self.preparedBy(advocate, acting: acting), creatorID: acting ?? "unknown",
                                    date: BundleDates.display(today.description) ?? today.description, created: vault.bundleTimestamp(),
                                    context: try vault.redactionContext(caseID: caseID), policy: options.policy,
                                    includeUnreviewed: options.includeUnreviewed, ocrEveryPage: options.ocrEveryPage)
        request.analysisLimits = options.analysisLimits
        request.ourReference = options.ourReference
        request.theirReference = options.theirReference
        var unregistered = false
        if let name = options.recipientName {
            request.recipientName = name
        } else {
            unregistered = !organisations.contains { $0.id == options.recipient }
        }
        // Documents named one by one are all wanted: one that cannot be read within the limits stops the export.
        request.stopAtAnalysisLimit = !options.documentIDs.isEmpty
        return (request, unregistered)
    }

    /// The plan of a bundle (a dry run): every document analysed and its redactions counted by casevault-pdf, nothing
    /// drawn, nothing recorded.
    public func plan(_ request: BundleRequest, sources: [BundleSource], helper: PDFHelper) throws -> BundleOutcome {
        try helper.bundle(BundleJob(mode: .plan, request: request, sources: sources))
    }

    /// Makes the bundle in casevault-pdf (typesetting, drawing and the leak check; its own confined children read each
    /// PDF and image), signs its manifest here (the signing key never leaves this process), hands it to `deliver`
    /// (the CLI writes its files, the server keeps the bytes to send), then records its redaction log and
    /// `bundle.export` event. A bundle refused (a leak found, every page needing review, a document unreadable) is
    /// audited as a failed export and its error rethrown; a failure to record it is thrown after `deliver`, so the
    /// front end can take back what it delivered.
    public func export(_ request: BundleRequest, sources: [BundleSource], helper: PDFHelper,
                       deliver: (BundleOutcome, BundleManifest) throws -> Void) throws -> (result: BundleOutcome, manifest: BundleManifest, log: BundleLog) {
        var result: BundleOutcome
        do {
            result = try helper.bundle(BundleJob(mode: .export, request: request, sources: sources))
        } catch let error as BundleError {
            try? vault.recordBundleFailure(caseID: caseID, reason: Self.auditReason(error))
            throw error
        }
        guard let unsigned = result.manifest else { throw BundleJobFailure.failed("casevault-pdf returned no manifest") }
        let manifest = try unsigned.signed(with: vault.bundleSigningKey)
        result.manifest = manifest
        try deliver(result, manifest)
        let log = BundleLog(bundleID: request.bundleID, caseID: caseID.rawValue, exportedBy: request.creatorID, exportedAt: request.created,
                            recipient: options.recipient, meeting: options.meeting, policy: options.policyLabel, pages: result.pages,
                            pdfSHA256: manifest.pdfSHA256, documents: result.reports)
        try vault.recordBundle(log, bundleID: log.bundleID, caseID: caseID, auditDetails: log.auditDetails)
        return (result, manifest, log)
    }

    /// The cover's "Prepared by": the acting advocate's name and organisation; their id only when the vault has no
    /// name for it. (An optional organisation once reached the cover as `Optional("…")`.)
    public static func preparedBy(_ advocate: Vault.AdvocateView?, acting: String?) -> String {
        guard let advocate else { return acting ?? "unknown" }
        return ([advocate.name] + [advocate.organisationName].compactMap { $0 }).joined(separator: ", ")
    }

    /// The failed export's audit detail: ids only, never content.
    public static func auditReason(_ error: BundleError) -> String {
        switch error {
        case .leak(let id, let kind, _): "leak check: \(kind) from \(id ?? "unknown document")"
        case .unsupported(let id, _): "unsupported document \(id)"
        case .unreadable(let id, _): "unreadable document \(id)"
        case .tooLarge(let id, _, _): "document too large to draw \(id)"
        case .noPages(let id): "document without pages \(id)"
        case .passwordProtected(let id): "password-protected document \(id)"
        case .nothingToBundle: "nothing to bundle"
        case .everyPageNeedsReview: "every page needs review"
        case .checkFailed: "leak check could not run"
        case .analysisLimit(let id, _): "analysis limit broken by document \(id)"
        }
    }
}
