import ArgumentParser
import Consent
import Foundation
import VaultStore

extension AuthorityKind: ExpressibleByArgument {}
extension ConsentAction: ExpressibleByArgument {}
extension Vault.WithdrawalChannel: ExpressibleByArgument {}

/// Parsing for the consent options: dates and comma lists, with messages that name the option.
enum ConsentArguments {
    static func date(_ text: String?, _ option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(iso: text) else { throw ValidationError("\(option) must be a date written YYYY-MM-DD (got '\(text)')") }
        return date
    }

    static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func actions(_ text: String?) throws -> [ConsentAction] {
        try (list(text) ?? []).map { name in
            guard let action = ConsentAction(rawValue: name) else {
                throw ValidationError("--actions: '\(name)' is not an action; use \(ConsentAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return action
        }
    }

    static func status(_ authority: Authority, on today: CivilDate) -> String {
        if let withdrawn = authority.withdrawnOn, withdrawn <= today { return "withdrawn \(withdrawn)" }
        if let from = authority.validFrom, today < from { return "from \(from)" }
        if let until = authority.validUntil, until < today { return "expired \(until)" }
        return "active"
    }
}

struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record, withdraw, list and check consents and legal authorities; evaluate what-if scenarios.",
        subcommands: [Record.self, Withdraw.self, VoidRecord.self, ConfirmHandover.self, List.self, Show.self, Check.self, ConsentEvaluate.self]
    )

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a consent or legal authority for a person on a case.",
            discussion: """
            KIND: written_consent, verbal_consent, lpa_health_welfare, lpa_property_finance, court_deputy_welfare, \
            court_deputy_property, parental_responsibility, personal_representative, next_of_kin, best_interests_record.
            Written consent needs --form FILE --signed-on D: you confirm the form carries the person's signature and that date; \
            the form is stored as an encrypted consent_form document of the case, and its identifiers come from the person record. \
            A consent is valid for 12 months from signing unless --valid-until says otherwise.
            """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String
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
            var input = Vault.AuthorityInput(caseID: caseID, personID: person, kind: kind, granteeID: grantee,
                                             actions: try ConsentArguments.actions(actions), today: today)
            // After the actions are parsed, so a misspelt action is reported first.
            if kind == .verbalConsent {
                // R-CON-9 (clarified 2026-12-02): without who took it and when, a verbal consent counts as no consent,
                // so it is refused here rather than stored as if it authorised anything.
                let missing = (recordedBy.map { $0.allSatisfy(\.isWhitespace) } ?? true ? ["--recorded-by ADVOCATE-ID (who took it)"] : [])
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
                return (stored, try ConsentGate.warnings(about: stored.authority.id, caseID: stored.caseID,
                                                         actions: stored.authority.scope?.actions, vault: vault))
            }
            for warning in warnings { Terminal.printError("casevault: warning: \(warning)") }
            if global.json {
                try global.emitJSON(Created(id: stored.authority.id, validFrom: stored.authority.validFrom?.description,
                                            validUntil: stored.authority.validUntil?.description, formDocument: stored.formDocumentID))
            } else {
                Terminal.printOut(stored.authority.id)
                let window = "\(stored.authority.validFrom?.description ?? "open") to \(stored.authority.validUntil?.description ?? "open")"
                Terminal.printError("casevault: recorded \(kind.rawValue) \(stored.authority.id) for \(person), valid \(window)"
                                    + (stored.formDocumentID.map { "; form stored as \($0)" } ?? ""))
            }
            if let form = stored.authority.form, form.nhsNumber == nil, form.dob == nil, form.address == nil {
                Terminal.printError("casevault: warning: person \(person) has no NHS number, date of birth or address on record, so this form does not identify the patient and the consent will be refused (R-CON-10); record the person with those details")
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

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a consent was withdrawn (from that date nothing new may be done).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent id.") var id: String
        @Option(help: "The date of withdrawal, YYYY-MM-DD (default: today).") var date: String?
        @Option(help: "How the withdrawal reached you: letter, phone, email or in-person.") var receivedBy: Vault.WithdrawalChannel
        @Flag(help: "Confirm without being asked (scripts need this; a terminal asks).") var yes = false

        func run() throws {
            let day = try ConsentArguments.date(date, "--date") ?? Today.inEngland()
            let stored = try global.withVault { vault in
                _ = try vault.authority(id)  // an unknown id is reported before any question is asked
                // A withdrawal is never undone, so it is confirmed like a questionable record.
                try Confirmation.require(["withdrawing consent \(id) cannot be undone: from \(day) nothing new may be done under it. "
                                          + "If the person changes their mind later, record a new consent."], yes: yes, question: "Withdraw it?")
                return try vault.withdrawAuthority(id, on: day, receivedBy: receivedBy)
            }
            if global.json { try global.emitJSON(["id": id, "withdrawn_on": day.description]) } else {
                Terminal.printOut("Consent \(stored.authority.id) withdrawn on \(day)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the consents and authorities recorded on a case.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String

        func run() throws {
            let (authorities, names) = try global.withVault { vault in (try vault.authorities(caseID: try vault.caseID(caseID)), try vault.names()) }
            if global.json { try global.emitJSON(authorities); return }
            let today = Today.inEngland()
            Terminal.printOut(Table.render(["ID", "KIND", "PERSON", "GRANTEE", "ACTIONS", "VALID", "STATUS"], authorities.map { stored in
                let authority = stored.authority
                return [authority.id, authority.kind.rawValue, names.label(stored.personID), authority.party.map { names.label($0.id) } ?? "",
                        authority.scope?.actions?.joined(separator: ",") ?? "(all)",
                        "\(authority.validFrom?.description ?? "open")..\(authority.validUntil?.description ?? "open")",
                        ConsentHistory.status(stored, on: today)]
            }))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one consent or authority.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent id.") var id: String
        @Flag(help: "List what happened to the record (recorded, withdrawn, voided), oldest first.") var history = false

        func run() throws {
            let (stored, warnings, names) = try global.withVault { vault in
                let stored = try vault.authority(id)
                return (stored, try ConsentGate.warnings(about: id, caseID: stored.caseID, actions: stored.authority.scope?.actions, vault: vault),
                        try vault.names())
            }
            if global.json { try global.emitJSON(stored); return }
            if history {
                for line in ConsentHistory.lines(stored) { Terminal.printOut(line) }
                return
            }
            let authority = stored.authority
            let scope = authority.scope
            Terminal.printFields([
                ("id", authority.id), ("kind", authority.kind.rawValue), ("case", stored.caseID), ("person", names.label(stored.personID)),
                ("granted by", authority.grantedBy.map(names.label)), ("grantee", authority.party.map { "\($0.type.rawValue) \(names.label($0.id))" }),
                ("cases", scope?.cases?.joined(separator: ", ")), ("bodies", scope?.organisations?.joined(separator: ", ")),
                ("actions", scope?.actions?.joined(separator: ", ")), ("third parties", scope?.thirdParties.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") }),
                ("matters", scope?.matters?.joined(separator: ", ")),
                ("valid", "\(authority.validFrom?.description ?? "open") to \(authority.validUntil?.description ?? "open")"),
                ("status", ConsentHistory.status(stored, on: Today.inEngland())),
                ("voided", stored.voided.map { "\($0.at)" + ($0.by.map { " by \($0)" } ?? "") + ": \($0.reason)" }),
                ("registered", authority.registered.map { $0 ? "yes (OPG)" : "no" }),
                ("evidence", authority.evidence.isEmpty ? nil : authority.evidence.joined(separator: ", ")),
                ("form", stored.formDocumentID.map { doc in "\(doc)" + (authority.form?.date.map { ", signed \($0)" } ?? "") }),
                ("recorded", stored.recordedAt + (stored.recordedBy.map { " by \($0)" } ?? "")),
                ("taken by", authority.kind == .verbalConsent ? authority.recordedBy : nil),
                ("witness", authority.witness),
                ("handed over", stored.authority.handovers.isEmpty ? nil
                    : stored.authority.handovers.map { "\(names.label($0.to)) from \($0.date)" }.joined(separator: ", ")),
                ("withdrawal", stored.withdrawalRecordedAt.map { "recorded \($0)" + (stored.withdrawalRecordedBy.map { " by \($0)" } ?? "")
                    + (stored.withdrawalReceivedBy.map { ", received by \($0.rawValue)" } ?? "") }),
                ("warnings", warnings.isEmpty ? nil : warnings.joined(separator: "; ")),
            ])
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask whether the acting advocate (--as) may take an action on a case today, and why.",
            discussion: "Exit 0 for allow or warn, 3 for deny. Refusals and warnings are recorded in the audit log.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String
        @Option(help: "The action, e.g. attend_meeting.") var action: ConsentAction
        @Option(name: .customLong("for"), help: "The NHS body, the PHSO (phso) or the named third party the action is towards.") var target: String?

        func run() throws {
            // This case's records only, in the text and in the JSON alike (the audit keeps the engine's full decision).
            let decision = try global.withVault { vault in
                let check = try vault.checkConsent(caseID: try vault.caseID(caseID), action: action, on: Today.inEngland(), targetOrg: target)
                if check.decision.outcome != .allow { try vault.auditDecision(check, proceeded: false, acknowledged: []) }
                return check.caseDecision
            }
            if global.json {
                Terminal.printVerbatim(decision.json(pretty: true))
            } else {
                Terminal.printOut("\(decision.outcome.rawValue.uppercased()) (\(decision.ruleIDs.map(\.rawValue).joined(separator: ", ")))")
                for line in decision.explanation { Terminal.printOut("  " + line) }
                if let hint = decision.hint, !hint.isEmpty { Terminal.printOut("  To proceed: \(hint)") }
                if !decision.acknowledgementRequired.isEmpty {
                    Terminal.printOut("  Commands will need: " + decision.acknowledgementRequired.map { "--acknowledge \($0.rawValue)" }.joined(separator: " "))
                }
            }
            if decision.outcome == .deny { throw ExitCode(3) }
        }
    }
}

extension Case {
    struct Event: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record complaint events and facts: dates, agreed extension, a reg 5(4) refusal, people complained about.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String
        @Option(help: "YYYY-MM-DD") var incidentDate: String?
        @Option(help: "YYYY-MM-DD") var awareDate: String?
        @Option(help: "The day the body received the complaint, YYYY-MM-DD.") var complaintDate: String?
        @Option(help: "YYYY-MM-DD") var acknowledgedOn: String?
        @Option(help: "YYYY-MM-DD") var finalResponseOn: String?
        @Option(help: "Response period extension agreed until, YYYY-MM-DD.") var extensionUntil: String?
        @Flag(help: "The body refused the case's representative under reg 5(4).") var bodyRefused = false
        @Option(help: "The body refused this representative (id) under reg 5(4).") var refusedRepresentative: String?
        @Option(help: "Date of the reg 5(4) notice, YYYY-MM-DD.") var refusedOn: String?
        @Option(help: "Someone the complaint is about (actor or person id); repeatable.") var subject: [String] = []
        @Option(help: "Another NHS body the complaint concerns; repeatable.") var nhsBody: [String] = []

        func run() throws {
            let incident = try ConsentArguments.date(incidentDate, "--incident-date")
            let aware = try ConsentArguments.date(awareDate, "--aware-date")
            let complaint = try ConsentArguments.date(complaintDate, "--complaint-date")
            let acknowledged = try ConsentArguments.date(acknowledgedOn, "--acknowledged-on")
            let final = try ConsentArguments.date(finalResponseOn, "--final-response-on")
            let extensionDate = try ConsentArguments.date(extensionUntil, "--extension-until")
            let refusedDate = try ConsentArguments.date(refusedOn, "--refused-on")
            let facts = try global.withVault { vault in
                try vault.updateCaseFacts(try vault.caseID(id), auditAction: "case.event") { facts, _, _ in
                    if let incident { facts.events.incidentDate = incident }
                    if let aware { facts.events.awareDate = aware }
                    if let complaint { facts.events.complaintDate = complaint }
                    if let acknowledged { facts.events.acknowledgedOn = acknowledged }
                    if let final { facts.events.finalResponseOn = final }
                    if let extensionDate { facts.events.responseExtensionAgreedUntil = extensionDate }
                    if bodyRefused { facts.bodyRefusedRepresentative = .currentRepresentative }
                    if let refusedRepresentative { facts.bodyRefusedRepresentative = .holder(id: refusedRepresentative, date: refusedDate) }
                    facts.subjectsOfComplaint = (facts.subjectsOfComplaint + subject).uniquedPreservingOrder()
                    facts.nhsBodies = (facts.nhsBodies + nhsBody).uniquedPreservingOrder()
                    if let complaint, let acknowledged, acknowledged < complaint {
                        throw ValidationError("--acknowledged-on \(acknowledged) is before the complaint date \(complaint)")
                    }
                }
            }
            if global.json { try global.emitJSON(facts); return }
            Terminal.printOut("Case \(id) updated")
        }
    }
}
