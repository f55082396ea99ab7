import Consent
import Foundation
import XCTest
@testable import VaultCore

/// R-CON-9 (clarified 2026-12-02) is enforced in the core, not only by the CLI: the vault refuses to store a
/// verbal consent that does not say who took it and when, rather than filling either in.
final class VerbalConsentStoreTests: XCTestCase {
    func testVaultRefusesVerbalConsentWithoutWhoAndWhenAndStoresItWithBoth() throws {
        let temporary = try TemporaryVault()
        let org = try temporary.vault.addOrganisation(name: "Norfolk NHS Complaints Advocacy").id
        let advocate = try temporary.vault.addAdvocate(name: "Sam Carter", organisationID: OrganisationID(org))
        let vault = try temporary.reopen(as: advocate)
        let person = try vault.addPerson(.init(name: "Margaret Ellis", dob: "1946-03-14"))
        let caseID = try vault.openCase(.init(clientID: person, organisationID: OrganisationID(org), advocateIDs: [AccountID(advocate)], nhsBody: "trust-X"))
        let today = CivilDate(dayNumber: Int(Date().timeIntervalSince1970 / 86_400))
        func verbal(by: String?, on: CivilDate?) -> Vault.AuthorityInput {
            var input = Vault.AuthorityInput(caseID: caseID, personID: person, kind: .verbalConsent, granteeID: org,
                                             actions: [.draftLetter], today: today)
            input.recordedBy = by
            input.recordedOn = on
            return input
        }
        for (by, on) in [(nil, nil), (advocate, nil), (nil, today), ("  ", today)] as [(String?, CivilDate?)] {
            XCTAssertThrowsError(try vault.recordAuthority(verbal(by: by, on: on)), "by \(by ?? "nil") on \(on?.description ?? "nil")") { error in
                guard case VaultError.invalidInput(let message)? = error as? VaultError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("who took it") && message.contains("R-CON-9"), message)
                XCTAssertFalse(message.contains("--"), "a library error names no CLI flag: \(message)")
            }
        }
        XCTAssertEqual(try vault.authorities(caseID: caseID).count, 0, "nothing was stored by the refused attempts")

        let stored = try vault.recordAuthority(verbal(by: advocate, on: today.adding(days: -1)))
        XCTAssertEqual(stored.authority.recorded, true)
        XCTAssertEqual(stored.authority.recordedBy, advocate)
        XCTAssertEqual(stored.authority.recordedOn, today.adding(days: -1))
    }
}
