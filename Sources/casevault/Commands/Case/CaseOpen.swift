import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "open", abstract: "Open a case (with --situation, together with its consent and authority records).",
                                                        discussion: CaseSituationText.discussion)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The client: their name (as registered) or person id.") var client: String
        @Option(help: "The organisation: its name or id.") var org: String
        @Option(help: "An assigned advocate: name or id (repeat for several).") var advocate: [String] = []
        @Option(help: "The NHS body complained about (e.g. trust-X, gp-Y).") var nhsBody: String?
        @Option(help: "Date of the incident, YYYY-MM-DD.") var incidentDate: String?
        @Option(help: "Date the client became aware, YYYY-MM-DD.") var awareDate: String?
        @Option(help: "Date the complaint was made, YYYY-MM-DD.") var complaintDate: String?
        @Option(help: "Who complains: patient, representative, attorney, deputy, child or after-death (see below).")
        var situation: CaseSituation?
        @Option(help: "The person acting for the patient: the representative, attorney, deputy, parent, or after a death the personal representative or next of kin.")
        var representative: String?
        @Option(help: "The signed consent form, or the representative's signed instruction to your service.") var consentForm: String?
        @Option(help: "The date on that form, YYYY-MM-DD.") var signedOn: String?
        @Option(help: "When the consent ends, YYYY-MM-DD, if the person agreed to other than 12 months from signing.") var validUntil: String?
        @Option(help: "Comma-separated actions the consent covers, e.g. view_documents,ingest_document,draft_letter.") var actions: String?
        @Option(help: "Comma-separated NHS bodies (and phso) the consent names; default: --nhs-body.") var bodies: String?
        @Option(help: "The LPA, court order, birth certificate or grant of probate, stored with the authority.") var authorityForm: String?
        @Option(help: "Evidence for the authority: opg_registration, court_order, birth_certificate, grant_of_probate, letters_of_administration.")
        var evidence: [String] = []
        @Flag(help: "attorney: the LPA is registered with the Office of the Public Guardian.") var registered = false
        @Option(help: "attorney: health-welfare (default) or property-finance.") var lpaKind: CaseSetUpOptions.LPAKind = .healthWelfare
        @Option(help: "after-death: the date the patient died, YYYY-MM-DD.") var diedOn: String?
        @Option(help: "after-death: personal-representative or next-of-kin.") var standing: CaseSetUpOptions.Standing?
        @Flag(help: "after-death, next-of-kin: they have a claim arising from the death.") var claimArisingFromDeath = false
        @Flag(help: "Record it although a warning says it looks wrong (scripts need this; a terminal asks).") var yes = false

        func validate() throws {
            let setUpGiven = representative != nil || consentForm != nil || signedOn != nil || validUntil != nil || actions != nil || bodies != nil
                || authorityForm != nil || !evidence.isEmpty || registered || diedOn != nil || standing != nil || claimArisingFromDeath
            if setUpGiven && situation == nil {
                throw ValidationError("the consent and authority options go with --situation (patient, representative, attorney, deputy, child or after-death)")
            }
            if representative != nil && situation == .patient {
                throw ValidationError("--representative does not go with --situation patient: a patient complaining for themselves has no representative")
            }
        }

        func run() throws {
            let planned = try situation.map { try setUpOptions($0) }
            let opened = try global.withVault { vault -> (CaseSetUp?, CaseID, [String], Vault.Names?) in
                let input = Vault.CaseInput(clientID: try vault.personID(client), organisationID: try vault.organisationID(org),
                                            advocateIDs: try advocate.map { try vault.accountID($0) }, nhsBody: nhsBody, incidentDate: incidentDate,
                                            awareDate: awareDate, complaintDate: complaintDate, openedBy: global.advocate.map { AccountID($0) })
                guard var setUp = planned else { return (nil, try vault.openCase(input), [], nil) }
                // Resolved before anything is written, so a misspelt name leaves nothing behind.
                setUp.representativeID = try representative.map { try vault.personID($0) }
                try Confirmation.require(entryWarnings(setUp), yes: yes)
                let made = try vault.openCase(input, setUp: setUp)
                // The records' own warnings, once, as `consent record` shows them.
                var shown: [String] = []
                for record in made.authorities where record.kind.isConsent {
                    shown += try ConsentGate.warnings(about: RecordID(record.id), caseID: made.caseID, actions: setUp.actions.map(\.rawValue), vault: vault)
                }
                return (made, made.caseID, shown.uniqued(), try vault.names())
            }
            let (made, id, warnings, names) = opened
            for warning in warnings { Terminal.printError("casevault: warning: \(warning)") }
            guard let made, let names else {
                if global.json { try global.emitJSON(CreatedID(id: id.rawValue)) } else { Terminal.printOut(id.rawValue) }
                return
            }
            if global.json { try global.emitJSON(made) } else { Terminal.printOut(id.rawValue) }
            if let died = made.dateOfDeath { Terminal.printError("casevault: recorded that \(client) died on \(died)") }
            for record in made.authorities {
                var line = "casevault: recorded \(record.kind.rawValue) \(record.id) for \(client), to \(names.label(record.grantee))"
                if let by = record.grantedBy, by != record.person, by != "court_of_protection" { line += ", given by \(names.label(by))" }
                if let form = record.formDocument { line += "; form stored as \(form)" }
                Terminal.printError(line)
            }
            for person in made.casePeople {
                Terminal.printError("casevault: registered \(representative ?? person.personID) on \(id) as the \(person.role.rawValue), so bundles black out their name")
            }
            for step in CaseSituationText.stillToDo(made.situation, patient: client) { Terminal.printError("casevault: next: \(step)") }
        }

        /// The set-up options as the core takes them (names are resolved later, in the vault).
        private func setUpOptions(_ situation: CaseSituation) throws -> CaseSetUpOptions {
            var setUp = CaseSetUpOptions(situation: situation, today: Today.inEngland())
            setUp.consentForm = consentForm.map { Vault.IngestFile(path: $0) }
            setUp.signedOn = try ConsentArguments.date(signedOn, "--signed-on")
            setUp.validUntil = try ConsentArguments.date(validUntil, "--valid-until")
            setUp.actions = try ConsentArguments.actions(actions)
            setUp.bodies = ConsentArguments.list(bodies)
            setUp.authorityForm = authorityForm.map { Vault.IngestFile(path: $0) }
            setUp.evidence = evidence.flatMap { ConsentArguments.list($0) ?? [] }
            setUp.registered = registered
            setUp.lpaKind = lpaKind
            setUp.diedOn = try ConsentArguments.date(diedOn, "--died-on")
            setUp.standing = standing
            setUp.claimArisingFromDeath = claimArisingFromDeath
            return setUp
        }

        /// A consent form whose 12 months have already run is almost certainly a mistake: asked, as `consent record`
        /// asks (the core's `CaseSetUpOptions.entryWarnings`, which the web's situation page asks too).
        private func entryWarnings(_ setUp: CaseSetUpOptions) -> [String] {
            ConsentEntryWarnings.words(setUp.entryWarnings)
        }
    }
}
