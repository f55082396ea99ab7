import Consent
import Foundation
import XCTest
@testable import VaultCore

/// The core of `consent void` (issue 19): a voided record leaves the facts the engine reads, so the gate refuses;
/// a withdrawn one cannot be voided, and the refusal changes nothing.
final class ConsentVoidStoreTests: XCTestCase {
    func testAVoidedConsentLeavesTheFactsAndTheGateRefuses() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let consent = try XCTUnwrap(try t.vault.authorities(caseID: caseID).first)
        XCTAssertEqual(try t.vault.consentFacts(caseID: caseID.rawValue).authorities.map(\.id), [consent.authority.id])
        XCTAssertNoThrow(try t.vault.requireConsent(.viewDocuments, caseID: caseID))

        XCTAssertThrowsError(try t.vault.voidAuthority(RecordID(consent.authority.id), reason: "  ")) { error in
            guard case VaultError.invalidInput = error else { return XCTFail("\(error)") }
        }
        let voided = try t.vault.voidAuthority(RecordID(consent.authority.id), reason: "recorded for the wrong person")
        XCTAssertEqual(voided.voided?.reason, "recorded for the wrong person")
        XCTAssertEqual(voided.voided?.by, t.advocateID)
        XCTAssertEqual(try t.vault.consentFacts(caseID: caseID.rawValue).authorities, [], "no decision rests on it")
        let fresh = try t.reopen()
        XCTAssertThrowsError(try fresh.requireConsent(.viewDocuments, caseID: caseID)) { error in
            guard case AccessError.consentRefused(let check) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(check.decision.ruleIDs, [.con1])
        }
        XCTAssertEqual(try fresh.authority(RecordID(consent.authority.id)).voided?.reason, "recorded for the wrong person", "kept on file")
        XCTAssertEqual(try fresh.verify(readData: false, repair: false, record: false).problems, [])
    }

    func testAWithdrawnConsentIsNotVoided() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let id = try XCTUnwrap(try t.vault.authorities(caseID: caseID).first).authority.id
        _ = try t.vault.withdrawAuthority(RecordID(id), on: t.vault.today(), receivedBy: .phone)
        let before = try t.vault.store.read { try $0.consentRecord(id) }
        XCTAssertThrowsError(try t.vault.voidAuthority(RecordID(id), reason: "typo")) { error in
            XCTAssertTrue("\(error)".contains("withdrawn by the person"), "\(error)")
        }
        XCTAssertEqual(try t.vault.store.read { try $0.consentRecord(id) }, before, "nothing changed")
    }
}
