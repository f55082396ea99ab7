import Consent
import Foundation
import VaultModel
import XCTest
@testable import VaultCore

/// A partner organisation a consent names cannot open the consent (it is under the client's key), so the rules get a
/// stub of it from the case's parties record: whom it covers and the date it was withdrawn. Whether it was withdrawn
/// is a question about the day the decision is for, not about today.
extension EntitlementKeysTests {
    /// Sam (org 1) records a consent naming Alex's organisation (org 2) and the person withdraws it `offset` days from today.
    private func partnerConsentWithdrawn(daysFromToday offset: Int) throws -> (World, withdrawn: CivilDate) {
        let (w, _, _) = try world()
        let sam = try w.open(as: w.sam)
        let withdrawn = sam.today().adding(days: offset)
        let client = try sam.caseDetail(w.caseID).client
        var consent = Vault.AuthorityInput(caseID: w.caseID, personID: client, kind: .verbalConsent, granteeID: w.org2,
                                           actions: ConsentAction.allCases, today: sam.today())
        consent.validFrom = withdrawn.adding(days: -30)
        consent.recordedBy = w.sam
        consent.recordedOn = consent.validFrom
        let id = try sam.recordAuthority(consent).authority.id
        _ = try sam.withdrawAuthority(RecordID(id), on: withdrawn)
        return (w, withdrawn)
    }

    func testAPartnersDecisionAsOfADateSeesAConsentWithdrawnOnlyFromItsWithdrawalDate() throws {
        for offset in [-10, 10] {
            let (w, withdrawn) = try partnerConsentWithdrawn(daysFromToday: offset)
            let alex = try w.open(as: w.alex)
            // The day before: the consent still stood. Alex cannot open its terms, so it is not judged as withdrawn:
            // the decision is marked undecidable (a key is missing), and R-CON-2 is not among its reasons.
            let before = try alex.checkConsent(caseID: w.caseID.rawValue, action: .viewDocuments, on: withdrawn.adding(days: -1))
            XCTAssertFalse(before.decision.ruleIDs.contains(.con2), "withdrawn \(offset) days from today, asked the day before")
            XCTAssertTrue(before.undecidable, "withdrawn \(offset) days from today, asked the day before")
            // The day after (and the day itself): withdrawn, which the rules refuse on that alone.
            for asked in [withdrawn, withdrawn.adding(days: 1)] {
                let after = try alex.checkConsent(caseID: w.caseID.rawValue, action: .viewDocuments, on: asked)
                XCTAssertEqual(after.decision.outcome, .deny)
                XCTAssertTrue(after.decision.ruleIDs.contains(.con2), "withdrawn \(offset) days from today, asked \(withdrawn.days(until: asked)) after")
            }
        }
    }
}
