import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record a consent or legal authority for a person on a case.",
            discussion: """
            KIND: written_consent, verbal_consent, lpa_health_welfare, lpa_property_finance, court_deputy_welfare, \
            court_deputy_property, parental_responsibility, personal_representative, next_of_kin, best_interests_record.
            Written consent needs --form FILE --signed-on D: you confirm the form carries the person's signature and that date; \
            the form is stored as an encrypted consent_form document of the case, and its identifiers come from the person record. \
            A consent is valid for 12 months from signing unless --valid-until says otherwise.
            """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Option(help: "The person the authority is about (usually the client).") var person: String
        @Option(help: "The kind of authority.") var kind: AuthorityKind
        @Option(help: "Who receives it: an organisation (org-…), advocate (adv-…) or person (per-…, e.g. an attorney or parent).")
        var grantee: String
        @Option(help: "Comma-separated actions, e.g. view_documents,ingest_document,draft_letter.") var actions: String?
        @Option(help: "Comma-separated NHS bodies (and phso); default: the case's NHS body.") var bodies: String?
        @Option(help: "Comma-separated named third parties the person agreed to share with.") var thirdParties: String?
        @Option(help: "YYYY-MM-DD; default: the signing or recording date.") var validFrom: String?
        @Option(help: "YYYY-MM-DD; default for consents: 12 months after it starts.") var validUntil: String?
        @Option(help: "The signed form or order to store with it.") var form: String?
        @Option(help: "The date on the signed form, YYYY-MM-DD.") var signedOn: String?
        @Option(help: "Who took a verbal consent (required for verbal_consent).") var recordedBy: String?
        @Option(help: "When a verbal consent or best-interests record was taken, YYYY-MM-DD (required for verbal_consent).") var recordedOn: String?
        @Option(help: "An independent witness.") var witness: String?
        @Option(help: "Who granted it when not the person: name or id of the holder of an LPA, deputyship, parental responsibility …") var grantedBy: String?
        @Option(help: "Evidence tokens: opg_registration, court_order, birth_certificate, grant_of_probate, letters_of_administration.")
        var evidence: [String] = []
        @Flag(help: "The LPA is registered with the Office of the Public Guardian.") var registered = false
        @Option(help: "Comma-separated matters an LPA or court order covers, e.g. health,complaints.") var matters: String?
        @Flag(help: "Next of kin with a claim arising from the death.") var claimArisingFromDeath = false
        @Option(help: "Best-interests reasons.") var reasons: String?
        @Flag(help: "Record it although a warning says it looks wrong (scripts need this; a terminal asks).") var yes = false

        func run() throws {
            let today = Today.inEngland()
            var input = Vault.AuthorityInput(caseID: CaseID(caseID), personID: PersonID(person), kind: kind, granteeID: grantee,
                                             actions: try ConsentArguments.actions(actions), today: today)
            // After the actions are parsed, so a misspelt action is reported first.
            if kind == .verbalConsent {
                // R-CON-9 (clarified 2026-12-02): without who took it and when, a verbal consent counts as no consent,
                // so it is refused here rather than stored as if it authorised anything.
                let missing = (recordedBy.map { $0.allSatisfy(\.isWhitespace) } ?? true ? ["--recorded-by NAME (who took it)"] : [])
                    + (recordedOn == nil ? ["--recorded-on YYYY-MM-DD (when it was taken)"] : [])
                if !missing.isEmpty {
                    throw ValidationError("a verbal consent counts only when it says who took it and when (R-CON-9); nothing was recorded. Add \(missing.joined(separator: " and ")).")
                }
            }
            if kind == .writtenConsent && (form == nil || signedOn == nil) {
                throw CLIError("written consent needs its signed form; nothing was recorded",
                               hints: ["add --form FILE --signed-on YYYY-MM-DD (the scanned or photographed form, and the date on it)"])
            }
            input.bodies = ConsentArguments.list(bodies)
            input.thirdParties = ConsentArguments.list(thirdParties) ?? []
            input.matters = ConsentArguments.list(matters)
            input.validFrom = try ConsentArguments.date(validFrom, "--valid-from")
            input.validUntil = try ConsentArguments.date(validUntil, "--valid-until")
            input.signedOn = try ConsentArguments.date(signedOn, "--signed-on")
            input.recordedOn = try ConsentArguments.date(recordedOn, "--recorded-on")
            if let signed = input.signedOn, signed > today { throw ValidationError("--signed-on \(signed) is in the future") }
            if let taken = input.recordedOn, taken > today { throw ValidationError("--recorded-on \(taken) is in the future") }
            input.form = form.map { Vault.IngestFile(path: $0) }
            input.recordedBy = recordedBy
            input.witness = witness
            input.grantedBy = grantedBy
            input.evidence = evidence.flatMap { ConsentArguments.list($0) ?? [] }
            input.registered = kind == .lpaHealthWelfare || kind == .lpaPropertyFinance ? registered : nil
            input.claimArisingFromDeath = kind == .nextOfKin ? claimArisingFromDeath : nil
            input.reasons = reasons
            // Over the server the same checks have been made above; the core there resolves the names and records it.
            if let target = try global.serverTarget() { try runOnServer(target, input: input, today: today); return }
            // The record's own warnings are shown now, once (and by `consent show`), not on every later command.
            let (stored, warnings) = try global.withVault { vault in
                // Names work as well as ids for the person and the grantee.
                input.caseID = try vault.caseID(caseID)
                input.personID = try vault.personID(person)
                input.granteeID = try vault.partyID(grantee)
                // A name must become the id the rules compare with; the court's own token stays as typed.
                input.grantedBy = try grantedBy.map { $0 == "court_of_protection" ? $0 : try vault.partyID($0) }
                let died = try vault.personStatus(input.personID).deceased
                try Confirmation.require(ConsentEntryWarnings.forAuthority(input, died: died, today: today), yes: yes)
                let stored = try vault.recordAuthority(input)
                return (stored, try ConsentGate.warnings(about: RecordID(stored.authority.id), caseID: CaseID(stored.caseID),
                                                         actions: stored.authority.scope?.actions, vault: vault))
            }
            for warning in warnings { Terminal.printError("casevault: warning: \(warning)") }
            try report(id: stored.authority.id, validFrom: stored.authority.validFrom?.description,
                       validUntil: stored.authority.validUntil?.description, formDocument: stored.formDocumentID)
            if let form = stored.authority.form, form.nhsNumber == nil, form.dob == nil, form.address == nil { warnFormIdentifiesNoOne() }
        }

        func warnFormIdentifiesNoOne() {
            Terminal.printError("casevault: warning: person \(person) has no NHS number, date of birth or address on record, so this form does not identify the patient and the consent will be refused (R-CON-10); record the person with those details")
        }

        /// What `consent record` prints once the record is stored, locally or on the server.
        func report(id: String, validFrom: String?, validUntil: String?, formDocument: String?) throws {
            if global.json {
                try global.emitJSON(Created(id: id, validFrom: validFrom, validUntil: validUntil, formDocument: formDocument))
            } else {
                Terminal.printOut(id)
                Terminal.printError("casevault: recorded \(kind.rawValue) \(id) for \(person), valid \(validFrom ?? "open") to \(validUntil ?? "open")"
                                    + (formDocument.map { "; form stored as \($0)" } ?? ""))
            }
        }

        struct Created: Encodable {
            let id: String
            let validFrom: String?
            let validUntil: String?
            let formDocument: String?

            enum CodingKeys: String, CodingKey {
                case id
                case validFrom = "valid_from", validUntil = "valid_until", formDocument = "form_document"
            }
        }
    }
}
