import Consent
import Foundation
import XCTest
@testable import VaultCore

/// `recordSituation`: a situation's records on a case already open (the web's guided page), with the same checks as
/// `openCase(_:setUp:)`; and `RecordedDecisions`, a session's consent decisions recorded once when only shown.
final class SituationRecordsTests: XCTestCase {
    func counts(_ t: TemporaryVault, _ caseID: String) throws -> [Int] {
        let vault = try t.reopen()
        return [try vault.authorities(caseID: CaseID(caseID)).count, try vault.documents(caseID: CaseID(caseID)).count,
                try vault.casePeople(caseID: CaseID(caseID)).count, try vault.people().count]
    }

    func testAnAttorneyRegisteredWithTheRecordsGetsTheLPATheInstructionAndBothFormsOnTheOpenCase() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        var options = CaseSetUpOptions(situation: .attorney, today: t.vault.today())
        options.registered = true
        options.signedOn = t.vault.today().adding(days: -2)
        options.actions = [.viewDocuments, .draftLetter]
        options.consentForm = Vault.IngestFile(path: try t.file("instruction.txt", Array("Signed instruction from the attorney\n".utf8)))
        options.authorityForm = Vault.IngestFile(path: try t.file("lpa.txt", Array("Lasting power of attorney, health and welfare\n".utf8)))
        let before = try counts(t, caseID.rawValue)
        let made = try t.vault.recordSituation(caseID: caseID, setUp: options, newRepresentative: .init(name: "Ann <b>Ellis</b>"))
        XCTAssertEqual(made.caseID, caseID)
        XCTAssertEqual(made.authorities.map(\.kind), [.lpaHealthWelfare, .writtenConsent])
        let attorney = try XCTUnwrap(made.authorities.first?.grantee)
        XCTAssertEqual(try t.vault.person(PersonID(attorney)).name, "Ann <b>Ellis</b>", "registered as typed (the pages escape it)")
        XCTAssertEqual(made.authorities.last?.grantedBy, attorney, "the instruction stands on the attorney's authority")
        XCTAssertEqual(try counts(t, caseID.rawValue), [before[0] + 2, before[1] + 2, before[2] + 1, before[3] + 1])
        let forms = try made.authorities.map { try XCTUnwrap($0.formDocument) }
        XCTAssertEqual(try forms.map { try t.vault.document(DocumentID($0)).kind }, ["authority_evidence", "consent_form"])
        XCTAssertEqual(try t.vault.casePeople(caseID: caseID).map(\.personID), [attorney])
        XCTAssertEqual(try t.vault.authority(RecordID(try XCTUnwrap(made.authorities.first?.id))).authority.evidence, ["opg_registration"])
        // Stored encrypted: no file of the vault holds the form's words.
        for path in t.allVaultFiles() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertNil(bytes.range(of: Data("Signed instruction from the attorney".utf8)), path)
        }
        // The same form again (a second situation recorded with it) is the document already stored, not a copy.
        var again = CaseSetUpOptions(situation: .representative, today: t.vault.today())
        again.representativeID = PersonID(attorney)
        again.signedOn = options.signedOn
        again.actions = [.viewDocuments]
        again.consentForm = Vault.IngestFile(path: try t.file("instruction-again.txt", Array("Signed instruction from the attorney\n".utf8)))
        let second = try t.vault.recordSituation(caseID: caseID, setUp: again)
        XCTAssertEqual(second.authorities.map(\.formDocument), [forms[1], forms[1]])
        XCTAssertEqual(second.casePeople.count, 0, "already on the case: not added twice")
        XCTAssertEqual(try t.vault.casePeople(caseID: caseID).map(\.personID), [attorney])
    }

    func testAnIncompleteOrUnsuitableSituationRecordsAndRegistersNothing() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let before = try counts(t, caseID.rawValue)
        let form = Vault.IngestFile(path: try t.file("form.txt", Array("Signed\n".utf8)))
        var options = CaseSetUpOptions(situation: .deputy, today: t.vault.today())
        options.consentForm = form
        options.actions = [.viewDocuments]
        XCTAssertThrowsError(try t.vault.recordSituation(caseID: caseID, setUp: options, newRepresentative: .init(name: "Dee Puty"))) { error in
            XCTAssertEqual(error as? CaseSetUpError, .incomplete(situation: .deputy, missing: [.authorityForm, .signedOn]))
        }
        var lpa = CaseSetUpOptions(situation: .attorney, today: t.vault.today())
        lpa.consentForm = form
        lpa.signedOn = t.vault.today()
        lpa.actions = [.viewDocuments]
        lpa.lpaKind = .propertyFinance
        XCTAssertThrowsError(try t.vault.recordSituation(caseID: caseID, setUp: lpa, newRepresentative: .init(name: "Pat Finance"))) { error in
            guard case .unsuitable(.attorney, let reason)? = error as? CaseSetUpError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("R-LPA-2"), reason)
        }
        var future = CaseSetUpOptions(situation: .patient, today: t.vault.today())
        future.consentForm = form
        future.signedOn = t.vault.today().adding(days: 3)
        future.actions = [.viewDocuments]
        XCTAssertThrowsError(try t.vault.recordSituation(caseID: caseID, setUp: future))
        XCTAssertEqual(try counts(t, caseID.rawValue), before, "no record, form, case person or registered person was left behind")
        XCTAssertEqual(try Set(FileManager.default.contentsOfDirectory(atPath: t.vault.blobs.temporary)), [], "no temp blob left")
    }

    func testOnlyAMemberOfTheCaseMayRecordASituation() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let admin = try t.reopen(as: t.administratorID)
        let org = try XCTUnwrap(try admin.organisations().first?.id)
        let colleague = try admin.addAdvocate(name: "Pat Jones", organisationID: OrganisationID(org))
        let partnerOrg = try admin.addOrganisation(name: "Suffolk Advocacy").id
        let partner = try admin.addAdvocate(name: "Alex Reid", organisationID: OrganisationID(partnerOrg))
        let before = try counts(t, caseID.rawValue)
        var options = CaseSetUpOptions(situation: .patient, today: t.vault.today())
        options.consentForm = Vault.IngestFile(path: try t.file("form.txt", Array("Signed\n".utf8)))
        options.signedOn = t.vault.today()
        options.actions = [.viewDocuments]
        for outsider in [colleague, partner] {
            let vault = try t.reopen(as: outsider)
            XCTAssertThrowsError(try vault.requireCaseChange(caseID: caseID)) { XCTAssertTrue($0 is AccessError, "\($0)") }
            XCTAssertThrowsError(try vault.recordSituation(caseID: caseID, setUp: options)) { XCTAssertTrue($0 is AccessError, "\($0)") }
        }
        XCTAssertEqual(try counts(t, caseID.rawValue), before)
        XCTAssertNoThrow(try t.vault.requireCaseChange(caseID: caseID))
        XCTAssertEqual(try t.vault.recordSituation(caseID: caseID, setUp: options).authorities.map(\.kind), [.writtenConsent])
    }

    func testADecisionOnlyShownIsRecordedOncePerSessionAndAnActionEveryTime() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()  // verbal consent only: R-CON-9 warns on every view
        func decisions() throws -> Int {
            try TemporaryVault.administrator(of: t.vault).auditLog(caseID: caseID, since: nil, actor: nil).filter { $0.action == "consent.decision" }.count
        }
        let session = RecordedDecisions()
        let start = try decisions()
        for _ in 0..<3 {
            // A new `Vault` per request, as the server opens them, sharing the session's memory.
            let vault = try t.reopen()
            vault.recordedDecisions = session
            try vault.requireConsent(.viewDocuments, caseID: caseID, showing: true)
        }
        XCTAssertEqual(try decisions(), start + 1, "three views of the same list: one decision recorded")
        for _ in 0..<2 {
            let vault = try t.reopen()
            vault.recordedDecisions = session
            try vault.requireConsent(.viewDocuments, caseID: caseID)
        }
        XCTAssertEqual(try decisions(), start + 3, "an action (a read) records its decision every time")
        let other = try t.reopen()
        other.recordedDecisions = RecordedDecisions()
        try other.requireConsent(.viewDocuments, caseID: caseID, showing: true)
        XCTAssertEqual(try decisions(), start + 4, "another session records it once for itself")
        // A different decision (acknowledging nothing, so refused) is a new event in the same session.
        let unacknowledged = try t.reopen()
        unacknowledged.acknowledged = []
        unacknowledged.recordedDecisions = session
        XCTAssertThrowsError(try unacknowledged.requireConsent(.viewDocuments, caseID: caseID, showing: true))
        XCTAssertEqual(try decisions(), start + 5)
        // A refusal is recorded on every view, even only shown: repeated refused attempts are what an audit must show.
        let consent = try XCTUnwrap(try t.vault.authorities(caseID: caseID).first).authority.id
        _ = try t.vault.withdrawAuthority(RecordID(consent), on: t.vault.today(), receivedBy: .phone)
        let afterWithdrawal = try decisions()
        for _ in 0..<2 {
            let vault = try t.reopen()
            vault.recordedDecisions = session
            XCTAssertThrowsError(try vault.requireConsent(.viewDocuments, caseID: caseID, showing: true))
        }
        XCTAssertEqual(try decisions(), afterWithdrawal + 2, "two refused views: two decisions recorded")
    }
}
