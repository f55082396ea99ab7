import Consent
import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The guided situations' page ("Record a consent or authority") over real HTTPS (curl) on the throwaway PostgreSQL:
/// each situation recorded with its signed form, what is missing said in the core's words, the refusal, CSRF, escaping;
/// and the case page, which records its consent decision once per session rather than on every view.
final class WebSituationTests: XCTestCase {
    /// A relative already on the representative's case, whose stored name is markup, quotes and a direction override.
    static let hostileName = "<script>window.__xss=1</script> O'Neil \"Junior\" \u{202E}gpj.exe"
    static let escapedHostile = "&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Neil &quot;Junior&quot; \\u{202E}gpj.exe"
    nonisolated(unsafe) static var relative = ""
    nonisolated(unsafe) static var cases: [CaseSituation: String] = [:]
    static let shared = SharedServerWorld { world in
        let vault = try world.open(as: world.sam)
        for situation in CaseSituation.allCases {
            let client = try vault.addPerson(.init(name: "Client \(situation.rawValue)", dob: situation == .child ? "2015-05-05" : "1950-01-20"))
            cases[situation] = try vault.openCase(.init(clientID: client, organisationID: OrganisationID(world.org1), advocateIDs: [AccountID(world.sam)], nhsBody: "trust-X")).rawValue
        }
        relative = try vault.addPerson(.init(name: hostileName)).rawValue
        try vault.addCasePerson(caseID: CaseID(try XCTUnwrap(cases[.representative])), personID: PersonID(relative), role: .relative, firstNameIsSafe: false)
        try vault.writeCheckpoint()
    }

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    /// The step-2 form posted as a browser sends it (multipart, the form token first), with files of the test's own.
    func post(_ w: ServerTestWorld, token: String, formToken: String?, caseID: String, fields: [(String, String)],
              files: [(field: String, name: String, text: String)]) async throws -> ServerTestWorld.Reply {
        var options = WebInterfaceTests.cookie(token)
        if let formToken { options += ["--form-string", "form_token=\(formToken)"] }
        for (name, value) in fields { options += ["--form-string", "\(name)=\(value)"] }
        for file in files {
            let url = w.directory.appendingPathComponent("situation-\(UUID().uuidString)-\(file.name)")
            try Data(file.text.utf8).write(to: url)
            options += ["-F", "\(file.field)=@\(url.path);filename=\(file.name)"]
        }
        return try await w.request("POST", "/cases/\(caseID)/consents", curlOptions: options)
    }

    /// A case of the test's own (nothing else records on it), and the step-2 form's token for a situation on it.
    func newCase(_ w: ServerTestWorld, token: String, client name: String, dob: String,
                 situation: CaseSituation) async throws -> (caseID: String, formToken: String) {
        let sam = try w.open(as: w.sam)
        let client = try sam.addPerson(.init(name: name, dob: dob))
        let caseID = try sam.openCase(.init(clientID: client, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-X"))
        try sam.writeCheckpoint()
        let form = try await w.request("GET", "/cases/\(caseID)/consents/new?situation=\(situation.rawValue)", curlOptions: WebInterfaceTests.cookie(token))
        return (caseID.rawValue, try XCTUnwrap(WebInterfaceTests.formToken(in: form.text)))
    }

    /// Each situation's fields beyond the common ones (who, date, actions), as an advocate fills them in.
    func fields(_ situation: CaseSituation, today: String) -> (fields: [(String, String)], authorityForm: Bool) {
        var fields: [(String, String)] = [("situation", situation.rawValue), ("signed_on", today), ("action_view_documents", "yes"),
                                          ("action_draft_letter", "yes")]
        switch situation {
        case .patient: break
        case .representative: fields.append(("representative", Self.relative))
        case .attorney: fields += [("representative", "new"), ("new_name", "Ann Attorney"), ("registered", "yes"), ("lpa_kind", "health-welfare")]
        case .deputy: fields += [("representative", "new"), ("new_name", "Dan Deputy")]
        case .child: fields += [("representative", "new"), ("new_name", "Pam Parent"), ("evidence", "birth_certificate")]
        case .afterDeath:
            fields += [("representative", "new"), ("new_name", "Ed Executor"), ("died_on", today), ("standing", "personal-representative"),
                       ("evidence", "grant_of_probate")]
        }
        return (fields, situation == .deputy)
    }

    func testEachSituationIsRecordedWithItsSignedFormAndShownOnTheCasePage() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let today = try w.open(as: w.sam).today().description
        let expectedKinds: [CaseSituation: [String]] = [
            .patient: ["written consent"], .representative: ["written consent", "written consent"],
            .attorney: ["lpa health welfare", "written consent"], .deputy: ["court deputy welfare", "written consent"],
            .child: ["parental responsibility", "written consent"], .afterDeath: ["personal representative", "written consent"],
        ]
        for situation in CaseSituation.allCases {
            let caseID = try XCTUnwrap(Self.cases[situation])
            let casePage = try await w.request("GET", "/cases/\(caseID)", curlOptions: WebInterfaceTests.cookie(token))
            XCTAssertTrue(casePage.text.contains("href=\"/cases/\(caseID)/consents/new\">Record a consent or authority</a>"), casePage.text)
            let choose = try await w.request("GET", "/cases/\(caseID)/consents/new", curlOptions: WebInterfaceTests.cookie(token))
            XCTAssertEqual(choose.status, 200, choose.text)
            XCTAssertEqual(WebInterfaceTests.header("cache-control", in: choose), ["no-store"])
            XCTAssertTrue(choose.text.contains("id=\"situation-after-death\"") && choose.text.contains("registered with the Office of the Public Guardian"))
            let form = try await w.request("GET", "/cases/\(caseID)/consents/new?situation=\(situation.rawValue)", curlOptions: WebInterfaceTests.cookie(token))
            XCTAssertEqual(form.status, 200, form.text)
            XCTAssertTrue(form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("name=\"consent_form\""))
            XCTAssertEqual(form.text.contains("name=\"authority_form\""), situation != .patient && situation != .representative, situation.rawValue)
            if situation == .representative {
                XCTAssertTrue(form.text.contains(Self.escapedHostile), "the relative is offered, escaped, controls shown")
                XCTAssertFalse(form.text.contains("<script") || form.text.contains("\u{202E}"), "a stored name became markup or a control")
            }
            let formToken = try XCTUnwrap(WebInterfaceTests.formToken(in: form.text))
            let (fields, authorityForm) = self.fields(situation, today: today)
            var files = [(field: "consent_form", name: "signed-\(situation.rawValue).txt", text: "Signed form zq-form-\(situation.rawValue)-5521.")]
            if authorityForm { files.append((field: "authority_form", name: "order.txt", text: "Court order zq-order-7702.")) }
            let posted = try await post(w, token: token, formToken: formToken, caseID: caseID, fields: fields, files: files)
            XCTAssertEqual(posted.status, 303, "\(situation.rawValue): \(posted.text)")
            let location = try XCTUnwrap(WebInterfaceTests.header("location", in: posted).first)
            XCTAssertTrue(location.hasPrefix("/cases/\(caseID)?recorded=\(situation.rawValue)"), location)
            let shown = try await w.request("GET", location, curlOptions: WebInterfaceTests.cookie(token))
            XCTAssertEqual(shown.status, 200, shown.text)
            XCTAssertTrue(shown.text.contains("role=\"status\">Recorded for the situation"), shown.text)
            for kind in expectedKinds[situation] ?? [] { XCTAssertTrue(shown.text.contains("<td>\(kind)</td>"), "\(situation.rawValue): \(kind)") }
            XCTAssertTrue(shown.text.contains("<td>active</td>"), "\(situation.rawValue): the state is shown")
            if situation == .representative {
                XCTAssertTrue(shown.text.contains(Self.escapedHostile), "the consent names the relative, escaped")
                XCTAssertFalse(shown.text.contains("<script") || shown.text.contains("\u{202E}"), "a stored name became markup or a control")
            }
            // In the core: the records, each form a document of its kind, its bytes what was sent.
            let sam = try w.open(as: w.sam)
            let records = try sam.authorities(caseID: CaseID(caseID))
            XCTAssertEqual(records.map { $0.authority.kind.rawValue.replacingOccurrences(of: "_", with: " ") }.sorted(),
                           (expectedKinds[situation] ?? []).sorted(), situation.rawValue)
            let consentForm = try XCTUnwrap(records.first { $0.authority.kind == .writtenConsent }?.formDocumentID)
            // The rows as stored (an attorney's or deputy's records allow nothing until capacity is assessed, so the
            // consent-asking views cannot be used for every situation).
            let rows = try sam.store.read { try $0.documents(caseID: caseID) }
            XCTAssertEqual(rows.first { $0.id == consentForm }?.size, Int64("Signed form zq-form-\(situation.rawValue)-5521.".utf8.count))
            XCTAssertEqual(rows.count, authorityForm ? 2 : 1, situation.rawValue)
            if situation == .patient {
                XCTAssertEqual(try sam.document(DocumentID(consentForm)).kind, "consent_form")
                XCTAssertEqual(try sam.document(DocumentID(consentForm)).name, "signed-patient.txt")
                XCTAssertEqual(String(decoding: try sam.plaintext(documentID: DocumentID(consentForm)), as: UTF8.self), "Signed form zq-form-patient-5521.")
            }
            if authorityForm {
                let order = try XCTUnwrap(records.first { $0.authority.kind == .courtDeputyWelfare }?.formDocumentID)
                XCTAssertTrue(rows.contains { $0.id == order }, "the court order is a document of the case")
            }
            if situation == .afterDeath { XCTAssertEqual(try sam.personStatus(try sam.caseDetail(CaseID(caseID)).client).dateOfDeath?.description, today) }
        }
        // Encrypted: no file of the vault holds a form's words.
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: w.root))
        while let path = enumerator.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: w.root + "/" + path) else { continue }
            XCTAssertNil(data.range(of: Data("zq-form-".utf8)), "\(path) holds a form in clear")
            XCTAssertNil(data.range(of: Data("zq-order-7702".utf8)), "\(path) holds the order in clear")
        }
        // The audit log says it in words: the activity log of a manager names the recording.
        let lee = try await w.token(w.lee)
        let log = try await w.request("GET", "/audit?case=\(try XCTUnwrap(Self.cases[.attorney]))", curlOptions: WebInterfaceTests.cookie(lee))
        XCTAssertTrue(log.text.contains("Recorded a consent") && log.text.contains("Added a document")
                      && log.text.contains("Added a person to a case"), log.text)
        // The attorney registered with the records (an event of no case).
        XCTAssertTrue(try w.open(as: w.lee).auditLog(caseID: nil, since: nil, actor: w.sam).contains { $0.action == "person.add" })
    }

    func testWhatIsMissingIsSaidInTheCoresWordsAndTheFormKeepsWhatWasTyped() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let (caseID, formToken) = try await newCase(w, token: token, client: "Vera Missing", dob: "1940-02-02", situation: .deputy)
        let sam = try w.open(as: w.sam)
        let people = try sam.people().count
        // A deputy without the court order and the form's date; the new deputy's name is markup.
        let incomplete = try await post(w, token: token, formToken: formToken, caseID: caseID,
                                        fields: [("situation", "deputy"), ("representative", "new"), ("new_name", Self.hostileName),
                                                 ("action_view_documents", "yes"), ("bodies", "trust-X, phso")],
                                        files: [("consent_form", "instruction.txt", "Deputy's instruction zq-missing-1.")])
        XCTAssertEqual(incomplete.status, 400, incomplete.text)
        XCTAssertTrue(incomplete.text.contains("There is a problem"))
        for input in [CaseSetUpOptions.Input.authorityForm, .signedOn] {
            XCTAssertTrue(incomplete.text.contains("<a href=\"#\(input == .signedOn ? "signed_on" : "authority_form")\">\(input.words)</a>"), incomplete.text)
        }
        XCTAssertTrue(incomplete.text.contains("value=\"&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Neil &quot;Junior&quot;"),
                      "the typed name is kept, escaped")
        XCTAssertFalse(incomplete.text.contains("<script"))
        XCTAssertTrue(incomplete.text.contains("id=\"action-view_documents\" name=\"action_view_documents\" value=\"yes\" checked"))
        XCTAssertTrue(incomplete.text.contains("value=\"trust-X, phso\""))
        // An LPA for property and finance can never stand: the core's reason (R-LPA-2).
        let unsuitable = try await post(w, token: token, formToken: formToken, caseID: caseID,
                                        fields: [("situation", "attorney"), ("representative", "new"), ("new_name", "Fin Ance"),
                                                 ("lpa_kind", "property-finance"), ("signed_on", sam.today().description), ("action_view_documents", "yes")],
                                        files: [("consent_form", "instruction.txt", "Attorney's instruction zq-missing-2.")])
        XCTAssertEqual(unsuitable.status, 400, unsuitable.text)
        XCTAssertTrue(unsuitable.text.contains("R-LPA-2"), unsuitable.text)
        XCTAssertTrue(unsuitable.text.contains("id=\"lpa_kind-property-finance\" name=\"lpa_kind\" value=\"property-finance\" checked"))
        let bad = try await post(w, token: token, formToken: formToken, caseID: caseID,
                                 fields: [("situation", "patient"), ("signed_on", "06/12/2026"), ("action_view_documents", "yes")], files: [])
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue(bad.text.contains("as YYYY-MM-DD"), bad.text)
        let after = try w.open(as: w.sam)
        XCTAssertEqual(try after.authorities(caseID: CaseID(caseID)).count, 0)
        XCTAssertEqual(try after.store.read { try $0.documents(caseID: caseID) }.count, 0, "no form was stored")
        XCTAssertEqual(try after.people().count, people, "no one was registered")
    }

    /// As `case open --situation` asks "record it anyway?": a form whose 12 months have run is not recorded until the
    /// box is ticked; the form comes back as typed, with the core's words.
    func testAFormSignedThirteenMonthsAgoIsRecordedOnlyOnceConfirmed() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let (caseID, formToken) = try await newCase(w, token: token, client: "Rita Stale", dob: "1945-03-03", situation: .patient)
        let sam = try w.open(as: w.sam)
        let signed = sam.today().adding(months: -13).description
        let fields: [(String, String)] = [("situation", "patient"), ("signed_on", signed), ("action_view_documents", "yes"), ("bodies", "trust-X")]
        let files = [(field: "consent_form", name: "old-form.txt", text: "Old form zq-stale-1.")]
        let asked = try await post(w, token: token, formToken: formToken, caseID: caseID, fields: fields, files: files)
        XCTAssertEqual(asked.status, 400, asked.text)
        XCTAssertTrue(asked.text.contains("Nothing was recorded yet") && asked.text.contains("Record it anyway?"), asked.text)
        XCTAssertTrue(asked.text.contains("This consent ran out on") && asked.text.contains("consents last 12 months from \(signed)"), asked.text)
        XCTAssertTrue(asked.text.contains("<input type=\"checkbox\" id=\"confirm_anyway\" name=\"confirm_anyway\" value=\"yes\""), asked.text)
        XCTAssertTrue(asked.text.contains("id=\"signed_on\" name=\"signed_on\" value=\"\(signed)\""), "the typed date is kept: \(asked.text)")
        XCTAssertTrue(asked.text.contains("id=\"action-view_documents\" name=\"action_view_documents\" value=\"yes\" checked"))
        XCTAssertEqual(try sam.authorities(caseID: CaseID(caseID)).count, 0, "not recorded before it is confirmed")
        XCTAssertEqual(try sam.store.read { try $0.documents(caseID: caseID) }.count, 0, "no form was stored")
        // A form dated today is not asked about; ticking the box records the old one.
        var datedToday = CaseSetUpOptions(situation: .patient, today: sam.today())
        datedToday.signedOn = sam.today()
        XCTAssertTrue(datedToday.entryWarnings.isEmpty)
        let confirmed = try await post(w, token: token, formToken: formToken, caseID: caseID, fields: fields + [("confirm_anyway", "yes")], files: files)
        XCTAssertEqual(confirmed.status, 303, confirmed.text)
        let records = try w.open(as: w.sam).authorities(caseID: CaseID(caseID))
        XCTAssertEqual(records.map(\.authority.kind), [.writtenConsent])
        XCTAssertEqual(records.first?.authority.validFrom?.description, signed)
        let location = try XCTUnwrap(WebInterfaceTests.header("location", in: confirmed).first)
        let shown = try await w.request("GET", location, curlOptions: WebInterfaceTests.cookie(token))
        XCTAssertTrue(shown.text.contains("<td>expired "), shown.text)
    }

    /// As `case open --situation` prints after recording: what set-up cannot record, and the consent rules' warnings,
    /// on the case page the redirect leads to, for the session that recorded only, every value escaped.
    func testAfterAnAttorneyOrDeputyIsRecordedTheCasePageSaysWhatIsLeftAndTheRulesWarnings() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let other = try await w.token(w.sam)
        let sam = try w.open(as: w.sam)
        let today = sam.today().description
        // An attorney or deputy: what is left (the capacity assessment; until then the rules refuse rather than warn).
        // After a death, with no grant of probate on file: the rules' warnings about the new consent.
        let cases: [(CaseSituation, String?)] = [(.attorney, "Next: the attorney can decide only while"),
                                                 (.deputy, "Next: a welfare deputy decides only while"), (.afterDeath, nil)]
        for (situation, next) in cases {
            let (caseID, formToken) = try await newCase(w, token: token, client: "Olive <i>\(situation.rawValue)</i> O'Hara", dob: "1938-04-04",
                                                        situation: situation)
            var fields: [(String, String)] = [("situation", situation.rawValue), ("signed_on", today), ("action_view_documents", "yes"),
                                              ("representative", "new"), ("new_name", "Warren \(situation.rawValue) Wynn")]
            var files = [(field: "consent_form", name: "instruction.txt", text: "Instruction zq-warn-1.")]
            if situation == .attorney { fields += [("registered", "yes"), ("lpa_kind", "health-welfare")] }
            if situation == .deputy { files.append((field: "authority_form", name: "order.txt", text: "Order zq-warn-2.")) }
            if situation == .afterDeath { fields += [("died_on", today), ("standing", "personal-representative")] }
            let posted = try await post(w, token: token, formToken: formToken, caseID: caseID, fields: fields, files: files)
            XCTAssertEqual(posted.status, 303, posted.text)
            let location = try XCTUnwrap(WebInterfaceTests.header("location", in: posted).first)
            XCTAssertTrue(location.hasPrefix("/cases/\(caseID)?recorded=\(situation.rawValue)&result="), location)
            XCTAssertFalse(location.contains("Olive") || location.contains("Warren"), "no personal data in the URL")
            let after = try w.open(as: w.sam)
            let consent = try XCTUnwrap(try after.authorities(caseID: CaseID(caseID)).first { $0.authority.kind == .writtenConsent }).authority.id
            let expected = try after.ruleWarnings(aboutAuthority: RecordID(consent), caseID: CaseID(caseID), actions: ["view_documents"])
            XCTAssertEqual(expected.isEmpty, next != nil, "\(situation.rawValue): \(expected)")
            let shown = try await w.request("GET", location, curlOptions: WebInterfaceTests.cookie(token))
            XCTAssertEqual(shown.status, 200, shown.text)
            if let next {
                XCTAssertTrue(shown.text.contains("\(next) Olive &lt;i&gt;\(situation.rawValue)&lt;/i&gt; O&#39;Hara lacks capacity"), shown.text)
            }
            XCTAssertEqual(shown.text.contains("id=\"recorded-warnings\""), !expected.isEmpty, shown.text)
            for warning in expected {
                let escaped = warning.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
                XCTAssertTrue(shown.text.contains("<li>\(escaped)</li>"), "\(warning) not in \(shown.text)")
            }
            XCTAssertFalse(shown.text.contains("<i>"), "a stored name became markup")
            // Another session of the same advocate, given the address: the situation's words only, nothing kept.
            let elsewhere = try await w.request("GET", location, curlOptions: WebInterfaceTests.cookie(other))
            XCTAssertEqual(elsewhere.status, 200, elsewhere.text)
            XCTAssertTrue(elsewhere.text.contains("role=\"status\">Recorded for the situation"), elsewhere.text)
            if let next { XCTAssertTrue(elsewhere.text.contains("\(next) the patient lacks capacity"), elsewhere.text) }
            XCTAssertFalse(elsewhere.text.contains("recorded-warnings"), elsewhere.text)
        }
    }

    func testAPartnerIsRefusedAndAFormWithoutItsTokenRecordsNothing() async throws {
        let w = try await world()
        let caseID = try XCTUnwrap(Self.cases[.patient])
        let before = try w.open(as: w.sam).authorities(caseID: CaseID(caseID)).count
        let today = try w.open(as: w.sam).today().description
        let fields: [(String, String)] = [("situation", "patient"), ("signed_on", today), ("action_view_documents", "yes")]
        let files = [(field: "consent_form", name: "forged.txt", text: "zq-forged-situation")]
        let alex = try await w.token(w.alex)
        let page = try await w.request("GET", "/cases/\(caseID)/consents/new?situation=patient", curlOptions: WebInterfaceTests.cookie(alex))
        XCTAssertEqual(page.status, 403, page.text)
        XCTAssertTrue(page.text.contains("Not allowed") && page.text.contains("an assigned advocate or a manager"), page.text)
        XCTAssertFalse(page.text.contains("Client patient"), "nothing of the case leaks")
        let alexCases = try await w.request("GET", "/cases", curlOptions: WebInterfaceTests.cookie(alex))
        let alexToken = try XCTUnwrap(WebInterfaceTests.formToken(in: alexCases.text))
        let refused = try await post(w, token: alex, formToken: alexToken, caseID: caseID, fields: fields, files: files)
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertTrue(refused.text.contains("Not allowed"), refused.text)
        // Sam's session with no token, an empty one, or another session's: refused before any file is read.
        let sam = try await w.token(w.sam)
        let other = try await w.token(w.sam)
        let otherCases = try await w.request("GET", "/cases", curlOptions: WebInterfaceTests.cookie(other))
        let otherToken = try XCTUnwrap(WebInterfaceTests.formToken(in: otherCases.text))
        for formToken in [nil, "", otherToken] {
            let forged = try await post(w, token: sam, formToken: formToken, caseID: caseID, fields: fields, files: files)
            XCTAssertEqual(forged.status, 403, "form token \(formToken ?? "none")")
            XCTAssertTrue(forged.text.contains("did not come from this site"), forged.text)
        }
        XCTAssertEqual(try w.open(as: w.sam).authorities(caseID: CaseID(caseID)).count, before, "nothing was recorded")
    }

    func testViewingTheCasePageAgainAddsNoAuditEventsButEachReadIsRecorded() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        func events() throws -> [String] { try w.open(as: w.lee).auditLog(caseID: CaseID(w.caseID), since: nil, actor: w.sam).map(\.action) }
        // Verbal consent only: R-CON-9 warns on the document list, before and after it is acknowledged.
        for path in ["/cases/\(w.caseID)", "/cases/\(w.caseID)?acknowledge=R-CON-9", "/cases/\(w.caseID)/upload?acknowledge=R-CON-9"] {
            _ = try await w.request("GET", path, curlOptions: WebInterfaceTests.cookie(token))
            let before = try events()
            for _ in 0..<2 {
                let page = try await w.request("GET", path, curlOptions: WebInterfaceTests.cookie(token))
                XCTAssertEqual(page.status, 200, page.text)
            }
            XCTAssertEqual(try events(), before, "viewing \(path) again wrote audit events")
        }
        // Reading a document is an action: its decision and the read are recorded every time.
        let before = try events().count
        for _ in 0..<2 {
            let read = try await w.request("GET", "/documents/\(w.letter)?acknowledge=R-CON-9", curlOptions: WebInterfaceTests.cookie(token))
            XCTAssertEqual(read.status, 200)
        }
        XCTAssertEqual(Array(try events().dropFirst(before)), ["consent.decision", "document.read", "consent.decision", "document.read"])
    }
}
