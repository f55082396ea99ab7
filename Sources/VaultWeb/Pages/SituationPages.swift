import Consent
import Foundation
import Hummingbird
import VaultModel
import VaultCore

/// Recording a consent or authority on a case through the guided situations, as `casevault case open --situation`
/// does for a new case: step 1 chooses the situation, step 2 asks what it needs, with the signed form (and the court
/// order or other evidence) streamed into sealed memory files (`UploadFormReader`), never a file in clear. The core's
/// `recordSituation` decides everything (who may, what is missing, what can never stand) and writes the forms and
/// records in one transaction; the page only words its answers and shows the form again, as typed, when it refuses.
enum SituationPages {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        router.get("/cases/{case}/consents/new") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                let chosen = request.uri.queryParameters.get("situation").flatMap { CaseSituation(rawValue: String($0)) }
                return try await web.page(request, template: "case-situation", title: "Record a consent or authority") { vault in
                    try SituationPages.page(vault, caseText: caseText, situation: chosen, fields: SituationFields(), problem: nil, missing: [])
                }
            }
        }
        router.post("/cases/{case}/consents") { request, context in
            await web.guarded(request, context.id) { try await web.recordSituation(request, caseText: try context.parameters.require("case")) }
        }
    }

    static func page(_ vault: Vault, caseText: String, situation: CaseSituation?, fields: SituationFields, problem: String?,
                     missing: [CaseSetUpOptions.Input]) throws -> SituationPage {
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        // The form is for those who may record on the case; anyone else gets the refusal before typing anything.
        try vault.requireCaseChange(caseID: CaseID(caseID))
        let detail = try vault.caseDetail(CaseID(caseID))
        guard let situation else {
            return SituationPage(caseID: caseID, caseLabel: DisplayText.escaped(detail.clientName),
                                 situations: SituationWords.all.map { Choice(value: $0.0.rawValue, label: $0.1, hint: $0.2, selected: false) })
        }
        var page = SituationPage(caseID: caseID, caseLabel: DisplayText.escaped(detail.clientName), situations: [])
        page.situation = situation.rawValue
        page.situationLabel = SituationWords.label(situation)
        page.situationHint = SituationWords.hint(situation)
        page.problem = problem
        page.missing = missing.map { Fact(label: SituationWords.field($0), value: $0.words) }
        if situation != .patient {
            let names = try vault.names()
            page.representativeLabel = SituationWords.representative(situation)
            page.people = try vault.casePeople(caseID: CaseID(caseID)).map { person in
                // Controls and direction overrides in a stored name are shown, not obeyed (as HTMLWriter shows them).
                Choice(value: person.personID, label: "\(DisplayText.escaped(names.name(person.personID) ?? person.personID)) (\(person.role.rawValue.replacingOccurrences(of: "_", with: " ")))",
                       hint: "", selected: person.personID == fields.representative)
            }
            page.newChosen = fields.representative == "new" || page.people.isEmpty
            page.newName = fields.newName
        }
        page.signedOn = fields.signedOn
        page.validUntil = fields.validUntil
        page.bodies = fields.bodies
        page.caseBody = detail.nhsBody.flatMap { $0.isEmpty ? nil : $0 }
        page.actions = ConsentAction.allCases.map {
            Choice(value: $0.rawValue, label: SituationWords.action($0), hint: "", selected: fields.actions.contains($0.rawValue))
        }
        switch situation {
        case .attorney:
            page.attorney = true
            page.registered = fields.registered
            page.lpaKinds = [Choice(value: CaseSetUpOptions.LPAKind.healthWelfare.rawValue, label: "Health and welfare", hint: "",
                                    selected: fields.lpaKind != CaseSetUpOptions.LPAKind.propertyFinance.rawValue),
                             Choice(value: CaseSetUpOptions.LPAKind.propertyFinance.rawValue, label: "Property and financial affairs", hint: "",
                                    selected: fields.lpaKind == CaseSetUpOptions.LPAKind.propertyFinance.rawValue)]
            page.authorityForm = "A copy of the LPA (optional)"
        case .deputy:
            page.authorityForm = "The court order appointing the deputy"
        case .child:
            page.authorityForm = "The birth certificate or court order (optional)"
            page.evidence = evidence(["birth_certificate": "Birth certificate", "court_order": "Court order"], chosen: fields.evidence)
        case .afterDeath:
            page.afterDeath = true
            let status = try vault.personStatus(detail.client)
            page.diedOnRecord = status.deceased ? (status.dateOfDeath?.description ?? "on record") : nil
            page.diedOn = fields.diedOn
            page.standings = [Choice(value: CaseSetUpOptions.Standing.personalRepresentative.rawValue,
                                     label: "Personal representative (executor or administrator)", hint: "",
                                     selected: fields.standing == CaseSetUpOptions.Standing.personalRepresentative.rawValue),
                              Choice(value: CaseSetUpOptions.Standing.nextOfKin.rawValue, label: "Next of kin", hint: "",
                                     selected: fields.standing == CaseSetUpOptions.Standing.nextOfKin.rawValue)]
            page.evidence = evidence(["grant_of_probate": "Grant of probate", "letters_of_administration": "Letters of administration"],
                                     chosen: fields.evidence)
            page.authorityForm = "The grant of probate or letters of administration (optional)"
            page.claim = fields.claim
        case .patient, .representative:
            break
        }
        if situation == .deputy || situation == .child || situation == .afterDeath || situation == .attorney {
            page.authorityHint = "Stored, encrypted, as evidence of the authority, with the record."
        }
        return page
    }

    static func evidence(_ kinds: KeyValuePairs<String, String>, chosen: String) -> [Choice] {
        kinds.map { Choice(value: $0.key, label: $0.value, hint: "", selected: $0.key == chosen) }
    }
}

extension WebHandlers {
    /// POST /cases/{case}/consents: the form streamed part by part (CSRF checked on its first part, before any file is
    /// read), then the core's `recordSituation`. Refused as incomplete or unsuitable, or a date that is not one: the
    /// form again (400) with the core's words and what was typed. A consent that has already run out (the core's
    /// `CaseSetUpOptions.entryWarnings`, which `case open --situation` asks about too): the form again with the question,
    /// recorded only once its box is ticked. Recorded: 303 to the case page, whose notice says what is left to do and
    /// the consent rules' warnings about the new records (kept for the session under a random id, never in the URL).
    func recordSituation(_ request: Request, caseText: String) async throws -> Response {
        let (token, expected, reader) = try await readFileForm(request, notAForm: "The form did not arrive as a form with files. Go back and try again.")
        defer { reader.close() }
        guard let situation = reader.fields["situation"].flatMap(CaseSituation.init(rawValue:)) else {
            throw WebPageError(.badRequest, "Choose the situation first. Go back to the case and press Record a consent or authority again.")
        }
        let fields = SituationFields(reader.fields)
        let confirmed = reader.fields["confirm_anyway"] == "yes"
        var files: [String: Vault.IngestFile] = [:]
        for file in reader.files where file.buffer.size > 0 && ["consent_form", "authority_form"].contains(file.field) {
            files[file.field] = try file.buffer.sealed(name: Array(file.name.utf8))
        }
        let sealedFiles = files
        let outcome = try await backend.withVault(token: token) { vault -> (String, SituationPage?, RecordedNotice?) in
            let caseID = try WebPageBuilders.caseID(vault, caseText)
            var (options, problem) = fields.options(situation, today: vault.today())
            var missing: [CaseSetUpOptions.Input] = []
            var doubts: [String] = []
            if problem == nil {
                options.consentForm = sealedFiles["consent_form"]
                options.authorityForm = sealedFiles["authority_form"]
                doubts = confirmed ? [] : options.entryWarnings.map { SituationWords.sentence($0.description) }
                if !doubts.isEmpty {
                    problem = "Nothing was recorded yet: the dates say this consent has already run out. Answer the question at the end "
                        + "of the form, or correct the dates. The files you chose are not kept: choose them again."
                } else {
                    do {
                        let made = try vault.recordSituation(caseID: CaseID(caseID), setUp: options, newRepresentative: fields.newPerson)
                        return (caseID, nil, try SituationPages.notice(vault, made: made, actions: options.actions))
                    } catch CaseSetUpError.incomplete(_, let needed) {
                        missing = needed
                        problem = "Nothing was recorded yet. This situation also needs the things listed below. The files you chose are not kept: choose them again."
                    } catch CaseSetUpError.unsuitable(_, let reason) {
                        problem = "Nothing was recorded: \(reason). The files you chose are not kept: choose them again if you still need them."
                    } catch VaultError.invalidInput(let text) {
                        problem = "Nothing was recorded: \(text). The files you chose are not kept: choose them again."
                    }
                }
            }
            var page = try SituationPages.page(vault, caseText: caseID, situation: situation, fields: fields, problem: problem, missing: missing)
            page.doubts = doubts
            return (caseID, page, nil)
        }
        if let page = outcome.1 {
            return WebHTTP.html(renderer.render("case-situation", title: "Record a consent or authority (there is a problem)", signedIn: true,
                                                formToken: expected, page: page), status: .badRequest)
        }
        logger.info("situation recorded", metadata: ["case": "\(outcome.0)", "situation": "\(situation.rawValue)"])
        // 303 to the case page: a reload shows it and records nothing again.
        var location = "/cases/\(outcome.0)?recorded=\(situation.rawValue)"
        if let notice = outcome.2 { location += "&result=" + (try recordedNotices.put(notice, owner: expected)) }
        return WebHTTP.redirect(location)
    }
}

/// What the case page says after the situation page's redirect, as `case open --situation` prints it after recording:
/// what set-up cannot record for the advocate, and the consent rules' warnings about the new consent.
struct RecordedNotice: Sendable {
    let caseID: String
    let notice: String
    let warnings: [String]
}

extension SituationPages {
    static func notice(_ vault: Vault, made: CaseSetUp, actions: [ConsentAction]) throws -> RecordedNotice {
        var warnings: [String] = []
        for record in made.authorities where record.kind.isConsent {
            for warning in try vault.ruleWarnings(aboutAuthority: RecordID(record.id), caseID: made.caseID, actions: actions.map(\.rawValue))
            where !warnings.contains(warning) {
                warnings.append(warning)
            }
        }
        let client = try vault.caseDetail(made.caseID).clientName
        return RecordedNotice(caseID: made.caseID.rawValue, notice: SituationWords.recorded(made.situation, client: DisplayText.escaped(client)),
                              warnings: warnings.map { DisplayText.escaped($0) })
    }
}
