import Consent
import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// `requireOwnOrganisation` (Access/): a manager acts for their own organisation only, whatever the service. Each
/// change here is one another organisation's manager (or advocate) is refused, with the operation the table names,
/// and nothing changed; the same change by the organisation's own people goes through.
final class OwnOrganisationTests: XCTestCase {
    private func assertRefused(_ operation: VaultOperation, _ label: String, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), label) { error in
            guard case AccessError.refused(let refused, _, _, _)? = error as? AccessError else { return XCTFail("\(label): \(error)") }
            XCTAssertEqual(refused, operation, label)
        }
    }

    func testAManagerOfOneOrganisationChangesNothingOfAnother() throws {
        let w = try IdentityVaultTests.World()
        try w.populate()
        let lee = try w.open(as: w.lee)  // a manager of organisation 1
        let other = OrganisationID(w.org2)

        assertRefused(.organisationChange, "another organisation's case prefix") { _ = try lee.setCasePrefix(organisationID: other, prefix: "PA") }
        assertRefused(.organisationAllowList, "another organisation's allow-list") {
            _ = try lee.addRedactionTerms(caseID: nil, organisationID: other, terms: [], allow: ["Suffolk Trust"], reason: "the trust's name")
        }
        let newKey = try X25519.PrivateKey.generate()
        assertRefused(.organisationChange, "another organisation's recovery key") {
            _ = try lee.replaceRecoveryKey(organisationID: other, oldKey: try XCTUnwrap(w.recovery[w.org2]), newKey: newKey.publicKey)
        }
        assertRefused(.organisationChange, "an identity of another organisation re-issued") {
            _ = try lee.reissueIdentity(accountID: AccountID(w.alex), organisationID: other, recoveryKey: try XCTUnwrap(w.recovery[w.org2]),
                                        passphrase: nil)
        }
        let sam = try w.open(as: w.sam)  // an advocate of organisation 1
        let client = try sam.caseDetail(w.caseID).client
        assertRefused(.caseOpen, "a case opened for another organisation") {
            _ = try sam.openCase(.init(clientID: client, organisationID: other, advocateIDs: [], nhsBody: "trust-X"))
        }
        XCTAssertNil(try lee.store.read { try $0.organisation(w.org2)?.casePrefix }, "no prefix set")

        // The organisation's own manager may.
        XCTAssertEqual(try lee.setCasePrefix(organisationID: OrganisationID(w.org1), prefix: "NCA").prefix, "NCA")
    }
}
