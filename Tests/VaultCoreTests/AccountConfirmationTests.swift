import Consent
import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore
import VaultStorage

/// An administrator, who must never read a case, adds a manager to an organisation that has key holders and keeps its
/// identity file: the account holds none of the organisation's keys, older or newer, until a manager confirms it.
final class AccountConfirmationTests: XCTestCase {
    typealias World = IdentityVaultTests.World

    /// The populated world (Lee manages org1, Sam is on its case with one letter), a second case opened after the
    /// administrator's manager was added, and that manager, unconfirmed.
    func world() throws -> (w: World, mallory: String, later: CaseID, laterLetter: DocumentID) {
        let w = try World()
        try w.populate()
        let mallory = try w.addAccount("Mal Quinn", org: w.org1, role: .manager, confirm: false)
        let sam = try w.open(as: w.sam)
        let client = try sam.addPerson(.init(name: "Peter Dunn", dob: "1950-01-02"))
        let later = try sam.openCase(.init(clientID: client, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-Y"))
        var consent = Vault.AuthorityInput(caseID: later, personID: client, kind: .verbalConsent, granteeID: w.org1,
                                           actions: ConsentAction.allCases, today: sam.today())
        consent.recordedBy = w.sam
        consent.recordedOn = sam.today()
        _ = try sam.recordAuthority(consent)
        let results = try sam.ingest(caseID: later, files: [Vault.IngestFile(path: try w.input("later.txt", "Mr Dunn's discharge letter"))],
                                     options: .init())
        guard case .stored(let letter, _) = results.first?.outcome else { struct LetterNotStored: Error {}
            throw LetterNotStored() }
        // Every holder shares what it holds: nothing may reach the account that awaits confirmation.
        _ = try w.open(as: w.lee).shareHeldCaseKeys()
        _ = try sam.shareHeldCaseKeys()
        return (w, mallory, later, letter)
    }

    /// The scopes wrapped to `account`, straight from vault.db.
    func wrappedScopes(_ w: World, _ account: String) throws -> Set<String> {
        Set(try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try String.fetchAll(db, sql: "SELECT scope FROM key_wrappers WHERE wrapper_kind = 'identity' AND wrapper_id = ?", arguments: [account])
        })
    }

    func fingerprint(_ w: World, _ account: String) throws -> String {
        try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: w.identities[account]!))).fingerprint
    }

    func testAnAdministratorsManagerReadsNoCaseUntilAManagerOfTheOrganisationConfirmsIt() throws {
        let (w, mallory, later, laterLetter) = try world()
        XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == mallory }?.awaitingConfirmation, true)
        // Only the vault's own keys, which the administrator holds anyway: no case key, old or new, no directory key.
        XCTAssertEqual(try wrappedScopes(w, mallory), Set(KeyHierarchy.memberScopes))
        let vault = try w.open(as: mallory)
        for scope in [KeyHierarchy.caseScope(w.caseID.rawValue), KeyHierarchy.caseScope(later.rawValue), KeyHierarchy.organisationScope(w.org1)] {
            XCTAssertThrowsError(try vault.store.read { tx in try vault.dataKey(scope: scope, version: 1, in: tx) }, scope)
        }
        for document in [w.letter, laterLetter] {
            XCTAssertThrowsError(try vault.plaintext(documentID: document)) { error in
                guard case AccessError.awaitingConfirmation(_, let organisation, let confirmers, let role) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(organisation, "Norfolk NHS Complaints Advocacy")
                XCTAssertEqual(confirmers, ["Lee Morgan"])
                XCTAssertEqual(role, .manager)
                XCTAssertTrue("\(error)".contains("awaits confirmation by a manager of Norfolk NHS Complaints Advocacy"), "\(error)")
                XCTAssertTrue("\(error)".contains("ask Lee Morgan to confirm it"), "\(error)")
            }
        }
        XCTAssertThrowsError(try vault.addPerson(.init(name: "Someone Else"))) {
            guard case AccessError.awaitingConfirmation = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try vault.cases(), "it lists no case")
        XCTAssertThrowsError(try vault.eraseCase(w.caseID, reason: "an erasure request")) {
            guard case AccessError.awaitingConfirmation = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try vault.removeAccount(AccountID(w.sam))) {
            guard case AccessError.awaitingConfirmation = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try vault.advocates().count, 5, "it reads the directory's names, as an administrator does")
        // Nor can a member make it one by assigning it.
        XCTAssertThrowsError(try w.open(as: w.sam).assignAdvocate(caseID: later, advocateID: AccountID(mallory))) {
            XCTAssertTrue("\($0)".contains("awaits confirmation"), "\($0)")
        }

        try w.renew(mallory)
        let confirmed = try w.open(as: w.lee).confirmAccount(AccountID(mallory), fingerprint: try fingerprint(w, mallory))
        XCTAssertEqual(Set(confirmed.casesShared), [w.caseID.rawValue, later.rawValue])
        XCTAssertTrue(confirmed.directoryKeyShared)
        let now = try w.open(as: mallory)
        XCTAssertEqual(try now.plaintext(documentID: w.letter), Array("Dear Ms Ellis, your mother's care".utf8))
        XCTAssertEqual(try now.plaintext(documentID: laterLetter), Array("Mr Dunn's discharge letter".utf8))
        XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == mallory }?.awaitingConfirmation, false)
        let events = try w.open(as: w.admin).auditLog(caseID: nil, since: nil, actor: w.lee)
        let confirmation = try XCTUnwrap(events.last { $0.action == "account.confirm" })
        XCTAssertEqual(confirmation.details["advocate"], mallory)
        XCTAssertEqual(confirmation.details["organisation"], w.org1)
    }

    func testEveryoneButAConfirmedManagerOfTheOrganisationWithTheRightFingerprintIsRefusedAndNothingChanges() throws {
        let (w, mallory, _, _) = try world()
        // A confirmed manager of the other organisation (confirmed by its advocate: it had no manager).
        let jo = try w.addAccount("Jo Platt", org: w.org2, role: .manager)
        try w.renew(mallory)  // so the fingerprint is what refuses the last attempt, not the missing renewal
        let right = try fingerprint(w, mallory)
        let attempts: [(String, String)] = [(w.admin, right), (w.sam, right), (jo, right), (mallory, right),
                                            (w.lee, try fingerprint(w, w.sam))]
        for (actor, given) in attempts {
            let before = try snapshot(w)
            let refusedBefore = try refusals(w)
            XCTAssertThrowsError(try w.open(as: actor).confirmAccount(AccountID(mallory), fingerprint: given), actor) { error in
                XCTAssertTrue(error is AccessError, "\(actor): \(error)")
            }
            XCTAssertEqual(try snapshot(w), before, "\(actor) changed the vault")
            XCTAssertEqual(try refusals(w), refusedBefore + 1, "\(actor)'s refusal is audited")
        }
        XCTAssertEqual(try wrappedScopes(w, mallory), Set(KeyHierarchy.memberScopes))
        XCTAssertThrowsError(try w.open(as: w.lee).confirmAccount(AccountID(mallory), fingerprint: "")) { error in
            XCTAssertTrue("\(error)".contains("fingerprint"), "\(error)")
        }
    }

    /// The awaiting mark is a column of the account's row: setting it to confirmed with sqlite3 is named by verify.
    func testMarkingTheAccountConfirmedOutsideCasevaultIsNamedByVerify() throws {
        let (w, mallory, _, _) = try world()
        try DatabaseQueue(path: w.root + "/vault.db").write { db in
            try db.execute(sql: "UPDATE advocates SET awaiting_confirmation_since = NULL WHERE id = ?", arguments: [mallory])
        }
        let problems = try w.open(as: w.lee).verify(readData: false, repair: false, record: false).problems.filter { $0.kind == "state" }
        XCTAssertEqual(problems.map(\.id), ["advocate \(mallory)"])
    }

    /// The first account of an organisation with no key holder is trusted (someone has to be first).
    func testTheFirstAccountOfAnOrganisationIsTrusted() throws {
        let w = try World()
        let org = try w.addOrganisation("Breckland Advocacy")
        let first = try w.addAccount("Ann Lowe", org: org, role: .manager, confirm: false)
        XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == first }?.awaitingConfirmation, false)
        let second = try w.addAccount("Bo Hart", org: org, confirm: false)
        XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == second }?.awaitingConfirmation, true)
    }

    /// An organisation with no manager has its advocates confirm a newcomer: the refusal says so, not "a manager".
    func testTheRefusalNamesAdvocatesWhenTheOrganisationHasNoManager() throws {
        let w = try World()
        try w.populate()
        let newcomer = try w.addAccount("Ray Booth", org: w.org2, confirm: false)
        XCTAssertThrowsError(try w.open(as: newcomer).addPerson(.init(name: "Someone Else"))) { error in
            guard case AccessError.awaitingConfirmation(_, _, let confirmers, let role) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(confirmers, ["Alex Reid"])
            XCTAssertEqual(role, .advocate)
            XCTAssertTrue("\(error)".contains("awaits confirmation by an advocate of Suffolk Advocacy, which has no manager"), "\(error)")
            XCTAssertFalse("\(error)".contains("a manager of"), "\(error)")
        }
        let sam = try w.open(as: w.alex)
        let client = try sam.addPerson(.init(name: "Nell Price", dob: "1950-01-02"))
        let opened = try sam.openCase(.init(clientID: client, organisationID: OrganisationID(w.org2), advocateIDs: [AccountID(w.alex)], nhsBody: "trust-Y"))
        XCTAssertThrowsError(try sam.assignAdvocate(caseID: opened, advocateID: AccountID(newcomer))) {
            XCTAssertTrue("\($0)".contains("awaits confirmation by an advocate of Suffolk Advocacy"), "\($0)")
        }
    }

    func snapshot(_ w: World) throws -> [String] {
        try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try String.fetchAll(db, sql: "SELECT id || ':' || IFNULL(awaiting_confirmation_since, 'confirmed') FROM advocates ORDER BY id")
                + String.fetchAll(db, sql: "SELECT scope || '/' || version || '/' || wrapper_id FROM key_wrappers ORDER BY 1")
        }
    }

    func refusals(_ w: World) throws -> Int {
        try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_events WHERE action = 'access.refused'") ?? 0
        }
    }
}
