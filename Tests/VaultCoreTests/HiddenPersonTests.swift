import Consent
import Foundation
import XCTest
@testable import VaultCore

/// A person an account may not see stays hidden from it through every door that takes a person's id: adding them to
/// one's own case (after which they would be visible through it), naming them as a consent's grantee (the record keeps
/// their name), opening a case for them (its checks would tell whether they have died). Each is refused and changes
/// nothing.
final class HiddenPersonTests: XCTestCase {
    func testAPersonTheAccountMayNotSeeCannotBeReachedThroughItsOwnCase() throws {
        let t = try TemporaryVault()
        let first = try t.openCase(client: "Margaret Ellis")
        // Registered by the first advocate and on no case: nobody else may see them.
        let hidden = try t.vault.addPerson(.init(name: "Harriet Quill", dob: "1950-01-02", nhsNumber: "9434765919"))
        let own = try t.openCase(client: "Peter Hart")
        let advocate = try XCTUnwrap(t.advocateID)
        let ownClient = try t.vault.caseDetail(own).client
        let organisation = try XCTUnwrap(try t.vault.organisations().first?.id)
        XCTAssertThrowsError(try t.vault.person(hidden), "the second advocate may not see them to begin with")

        func assertRefused(_ label: String, _ body: () throws -> Void) {
            XCTAssertThrowsError(try body(), label) { error in
                guard case AccessError.refused(_, _, let subject, _)? = error as? AccessError else { return XCTFail("\(label): \(error)") }
                XCTAssertEqual(subject, hidden.rawValue, label)
            }
        }
        let casesBefore = try t.vault.store.read { try $0.cases().count }
        let auditBefore = try t.vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil).count }
        assertRefused("added to one's own case") {
            try t.vault.addCasePerson(caseID: own, personID: hidden, role: .relative, firstNameIsSafe: false)
        }
        var grant = Vault.AuthorityInput(caseID: own, personID: ownClient, kind: .verbalConsent, granteeID: hidden.rawValue,
                                         actions: [.viewDocuments], today: t.vault.today())
        grant.recordedBy = advocate
        grant.recordedOn = t.vault.today()
        assertRefused("named as a consent's grantee") { _ = try t.vault.recordAuthority(grant) }
        var about = Vault.AuthorityInput(caseID: own, personID: hidden, kind: .verbalConsent, granteeID: organisation,
                                         actions: [.viewDocuments], today: t.vault.today())
        about.recordedBy = advocate
        about.recordedOn = t.vault.today()
        assertRefused("a consent recorded about them") { _ = try t.vault.recordAuthority(about) }
        var setUp = CaseSetUpOptions(situation: .patient, today: t.vault.today())
        setUp.consentForm = Vault.IngestFile(path: try t.file("form.txt", Array("Signed\n".utf8)))
        setUp.signedOn = t.vault.today()
        setUp.actions = [.viewDocuments]
        assertRefused("a case opened for them") {
            _ = try t.vault.openCase(.init(clientID: hidden, organisationID: OrganisationID(organisation), advocateIDs: [AccountID(advocate)], nhsBody: "trust-X"), setUp: setUp)
        }
        XCTAssertEqual(try t.vault.casePeople(caseID: own).count, 0)
        XCTAssertEqual(try t.vault.authorities(caseID: own).count, 1, "only the consent the case was opened with")
        XCTAssertEqual(try t.vault.store.read { try $0.cases().count }, casesBefore, "no case opened for them")
        XCTAssertThrowsError(try t.vault.person(hidden), "still hidden")
        XCTAssertEqual(try t.vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }.dropFirst(auditBefore).filter { $0.event.outcome == "success" }.map(\.event.action), [],
                       "nothing was done")

        // Someone the advocate registered is theirs to add.
        let relative = try t.vault.addPerson(.init(name: "Tom Hart"))
        try t.vault.addCasePerson(caseID: own, personID: relative, role: .relative, firstNameIsSafe: false)
        XCTAssertEqual(try t.vault.casePeople(caseID: own).map(\.personID), [relative.rawValue])
        _ = first
    }

    func testAuthorityWarningsAndBundleFailuresNeedTheCase() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let authority = RecordID(try XCTUnwrap(try t.vault.authorities(caseID: caseID).first?.authority.id))
        XCTAssertNoThrow(try t.vault.ruleWarnings(aboutAuthority: authority, caseID: caseID, actions: nil))
        let admin = try t.reopen(as: t.administratorID)
        XCTAssertThrowsError(try admin.ruleWarnings(aboutAuthority: authority, caseID: caseID, actions: nil)) { error in
            XCTAssertNotNil(error as? AccessError, "\(error)")
        }
        let before = try t.vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil).count }
        XCTAssertThrowsError(try t.vault.recordBundleFailure(caseID: caseID, reason: "made up"), "no export was allowed in this session")
        XCTAssertEqual(try t.vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil).count }, before)
    }
}
