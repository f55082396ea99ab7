import Foundation
import XCTest
@testable import VaultCore

final class PersonEditStoreTests: XCTestCase {
    /// Two edits in the same second: the second gives the same details and must be refused as "nothing was changed".
    /// It once went through, because the changes of "this edit" were found by the history's one-second timestamps.
    func testASecondEditWithTheSameDetailsInTheSameSecondChangesNothing() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let client = try t.vault.caseDetail(caseID).client
        _ = try t.vault.editPerson(client, changes: [.address: "5 Mill Lane"])
        let eventsBefore = try t.vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil).count }
        XCTAssertThrowsError(try t.vault.editPerson(client, changes: [.address: "5 Mill Lane"])) { error in
            XCTAssertTrue("\(error)".contains("nothing was changed"), "\(error)")
        }
        XCTAssertEqual(try t.vault.personHistory(client).map(\.field), [.address], "one change recorded, not two")
        XCTAssertEqual(try t.vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil).count }, eventsBefore,
                       "no person.edit event for an edit that changed nothing")
    }
}
