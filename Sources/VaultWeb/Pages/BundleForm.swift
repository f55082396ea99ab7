import BundleExport
import BundleModel
import Consent
import Foundation
import Redaction
import VaultModel
import VaultCore

/// What the wizard's form sent, checked as the API checks its bundle body (one line of text each, a known preset).
struct BundleChoices: Sendable {
    struct Problem: Error { let text: String }

    var meeting: String
    var recipient: String
    var recipientName: String
    var theirReference: String
    var ourReference: String
    var policy: String
    var documents: [String]
    var includeUnreviewed: Bool
    var acknowledged: [RuleID]

    /// A problem the advocate fixes on the form itself, said before the core is asked anything.
    var problem: String? {
        if meeting.isEmpty { return "Give the meeting's name and date: they are printed on the cover and on every page." }
        if recipient.isEmpty { return "Say who receives the bundle: the NHS body's organisation id, or the third party the consent names." }
        if documents.isEmpty { return "Tick at least one document to put in the bundle." }
        return nil
    }

    /// The export's options. Ticking exactly the defaults keeps the defaults (so the table says why each is in);
    /// anything else names the documents one by one, as `export --docs` does.
    func options(defaults: [String]) throws -> BundleExportOptions {
        for (label, value) in [("meeting", meeting), ("recipient", recipient), ("their name", recipientName),
                               ("their reference", theirReference), ("our reference", ourReference)] where value.contains(where: \.isNewline) {
            throw Problem(text: "The \(label) must be one line of text.")
        }
        guard RedactionPolicy.Preset(rawValue: policy) != nil else { throw Problem(text: "Choose what to hide from the list.") }
        let parsed: RedactionPolicy
        do {
            parsed = try RedactionPolicy.parse(policy)
        } catch {
            throw Problem(text: "That policy could not be used (\(error.description)). Choose one from the list.")
        }
        var options = BundleExportOptions(meeting: meeting, recipient: recipient, policy: parsed, policyLabel: policy)
        options.documentIDs = Set(documents) == Set(defaults) ? [] : documents
        options.recipientName = recipientName.isEmpty ? nil : recipientName
        options.theirReference = theirReference.isEmpty ? nil : theirReference
        options.ourReference = ourReference.isEmpty ? nil : ourReference
        options.includeUnreviewed = includeUnreviewed
        return options
    }
}

extension BundleChoices {
    /// From the form's fields (kept in an extension so the memberwise initialiser stays for the blank form).
    init(_ form: WebMultiForm) {
        func text(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespaces) }
        meeting = text("meeting")
        recipient = text("recipient")
        recipientName = text("recipient_name")
        theirReference = text("their_reference")
        ourReference = text("our_reference")
        policy = text("policy").isEmpty ? RedactionPolicy.Preset.standard.rawValue : text("policy")
        documents = form.all("document").filter { !$0.isEmpty }.uniqued()
        includeUnreviewed = form["include_unreviewed"] == "yes"
        acknowledged = (form["acknowledge"] ?? "").split(separator: ",").compactMap { RuleID(rawValue: String($0)) }
    }
}

/// Builds the wizard's page from the core: the case's documents and the export's default selection.
enum BundleFormBuilder {
    struct Context: Sendable {
        let caseID: String
        let caseLabel: String
        let nhsBody: String
        /// The case's documents, oldest first, with the default selection's verdict on each.
        let entries: [BundleSelection.Entry]
        var defaultIDs: [String] { entries.filter(\.included).map(\.document.id.rawValue) }
    }

    /// The documents are listed only where the consent rules let this account see them (as on the case page).
    static func context(_ vault: Vault, caseText: String) throws -> Context {
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        try vault.requireConsent(.viewDocuments, caseID: CaseID(caseID))
        let detail = try vault.caseDetail(CaseID(caseID))
        var forms: [String: String] = [:]
        for stored in try vault.authorities(caseID: CaseID(caseID)) { if let form = stored.formDocumentID { forms[form] = stored.authority.id } }
        let documents = try vault.documents(caseID: CaseID(caseID))
            .sorted { (WebPageBuilders.documentDay($0), $0.ingestedAt, $0.id) < (WebPageBuilders.documentDay($1), $1.ingestedAt, $1.id) }
        let selection = BundleSelection(documents: documents, named: [], includeKinds: [], authorityForms: forms)
        return Context(caseID: caseID, caseLabel: detail.clientName, nhsBody: detail.nhsBody ?? "", entries: selection.entries)
    }

    static func blank(_ vault: Vault, caseText: String, acknowledged: [RuleID]) throws -> BundleFormPage {
        let context = try context(vault, caseText: caseText)
        // The safe defaults: the case's NHS body, the standard policy, the export's default documents ticked.
        return page(context, choices: BundleChoices(meeting: "", recipient: context.nhsBody, recipientName: "", theirReference: "", ourReference: "",
                                                    policy: RedactionPolicy.Preset.standard.rawValue, documents: context.defaultIDs,
                                                    includeUnreviewed: false, acknowledged: acknowledged))
    }

    static func page(_ context: Context, choices: BundleChoices, problem: String? = nil, warnings: [String] = [], plan: PlanView? = nil) -> BundleFormPage {
        let presets: [(RedactionPolicy.Preset, String, String)] = [
            (.standard, "Standard", "Everyone's details hidden, except registered staff acting in their role."),
            (.trustMeeting, "For the NHS body", "The patient's name, date of birth and NHS number shown, so the trust can find the records; everyone else hidden."),
            (.phso, "For the Ombudsman (PHSO)", "As for the NHS body: the Ombudsman must identify the patient."),
            (.thirdParty, "For anyone else", "An MP, a solicitor: everything personal hidden, staff too."),
        ]
        let ticked = Set(choices.documents)
        return BundleFormPage(
            caseID: context.caseID, caseLabel: context.caseLabel, meeting: choices.meeting, recipient: choices.recipient,
            recipientName: choices.recipientName, theirReference: choices.theirReference, ourReference: choices.ourReference,
            policies: presets.map { Choice(value: $0.0.rawValue, label: $0.1, hint: $0.2, selected: $0.0.rawValue == choices.policy) },
            documents: context.entries.map { entry in
                let document = entry.document
                return DocumentChoice(id: document.id.rawValue, name: document.name, kind: document.kind.replacingOccurrences(of: "_", with: " "),
                                      date: WebPageBuilders.documentDay(document), checked: ticked.contains(document.id.rawValue),
                                      note: entry.included ? nil : reason(entry.reason))
            },
            includeUnreviewed: choices.includeUnreviewed, acknowledged: choices.acknowledged.map(\.rawValue).joined(separator: ","),
            warnings: warnings, problem: problem, plan: plan)
    }

    /// The dry run as a table: every document in or out and why, and what would be hidden in each (counts by kind).
    static func plan(_ run: CaseBundleExport.DryRun, includeUnreviewed: Bool) -> PlanView {
        let reports = Dictionary(run.outcome.reports.map { ($0.documentID, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = run.selection.entries.map { entry in
            let counts = reports[entry.document.id.rawValue]?.redactions.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key.replacingOccurrences(of: "_", with: " "))" } ?? []
            return PlanRow(name: entry.document.name, kind: (entry.kind.map(BundleSelection.describe) ?? entry.document.kind),
                           included: entry.included, reason: reason(entry.reason),
                           redactions: entry.included ? (counts.isEmpty ? "nothing" : counts.joined(separator: ", ")) : "")
        }
        var warnings: [String] = []
        if !run.outcome.ocrAvailable {
            warnings.append("Scanned pages cannot be read on this server (no OCR): pages without text would be "
                            + (includeUnreviewed ? "put in unchecked, as you asked." : "left out for you to check."))
        }
        warnings += run.outcome.leftOut.map { "\($0.description); it would be left out." }
        if run.recipientUnregistered {
            warnings.append("The recipient is not a registered organisation, so the cover would show its id: give their name for the cover.")
        }
        for report in run.outcome.reports where !report.pagesFlagged.isEmpty {
            warnings.append("Document \(report.documentID): page(s) \(report.pagesFlagged.map(String.init).joined(separator: ", ")) need a person to check them"
                            + (includeUnreviewed ? "." : "; they would be left out unless you tick \"Put in pages that need checking\"."))
        }
        let count = rows.filter(\.included).count
        let summary = "\(count) document\(count == 1 ? "" : "s") would go in, \(run.outcome.pages) page\(run.outcome.pages == 1 ? "" : "s") in all."
        return PlanView(summary: summary, rows: rows, warnings: warnings)
    }

    /// Why a document is in or out, in the form's words (its ticks, not the CLI's options or the API's fields).
    static func reason(_ reason: BundleSelection.Reason) -> String {
        switch reason {
        case .complaintDocument(let kind): "A complaint \(BundleSelection.describe(kind)): in by default."
        case .named: "You ticked it."
        case .kindIncluded(let kind): "A \(BundleSelection.describe(kind)), added by kind."
        case .notNamed: "You did not tick it."
        case .privateKind(let kind): "A \(BundleSelection.describe(kind)): kept out of bundles unless you tick it."
        case .authorityForm(let authority): "The form of authority record \(authority): kept out unless you tick it."
        case .unknownKind(let kind): "Its kind (\(kind)) is not one this vault knows: tick it only if it belongs in the bundle."
        case .cannotBeBundled(let type): "It is \(type), which cannot go into a bundle (text, emails, Word files, PDFs and images can)."
        }
    }

    static func words(_ error: BundleExportError) -> String {
        switch error {
        case .documentNotInCase: "A ticked document is not in this case any more. Reload the page and tick again."
        case .nothingSelected: "Nothing ticked can go into a bundle. Tick the documents to send."
        }
    }

    static func words(_ error: BundleError) -> String {
        switch error {
        case .leak: "The bundle was not made: \(error.description). Check the case's redaction terms and what to hide, then try again."
        case .everyPageNeedsReview: "The bundle was not made: \(error.description). Look at those pages yourself, then tick \"Put in pages that need checking\"."
        default: "The bundle was not made: \(error.description). Untick that document, or replace it with a readable copy."
        }
    }
}
