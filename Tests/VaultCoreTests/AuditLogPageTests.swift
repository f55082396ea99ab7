import Foundation
import XCTest
@testable import VaultCore

/// `auditLogPage`: the web's activity log reads the log a page at a time, newest first, and the pages together are
/// the whole log, each event once, in the order `auditLog` gives.
final class AuditLogPageTests: XCTestCase {
    func testPagesWalkTheWholeLogNewestFirstWithoutGapsOrRepeats() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        for index in 0..<5 { _ = try t.ingest(caseID, [try t.file("p\(index).txt", pattern(200, seed: UInt64(index + 40)))]) }
        let admin = try TemporaryVault.administrator(of: t.vault)
        let all = try admin.auditLog(caseID: nil, since: nil, actor: nil).map(\.sequence)
        XCTAssertGreaterThan(all.count, 12, "the log is long enough for several pages")

        var walked: [Int64] = []
        var before: Int64?
        var pages = 0
        repeat {
            let page = try admin.auditLogPage(caseID: nil, since: nil, actor: nil, before: before, limit: 5)
            XCTAssertEqual(page.total, all.count, "every page says how many match in all")
            XCTAssertLessThanOrEqual(page.entries.count, 5)
            XCTAssertEqual(page.entries.map(\.sequence), page.entries.map(\.sequence).sorted(by: >), "newest first within a page")
            walked += page.entries.map(\.sequence)
            before = page.olderBefore
            pages += 1
        } while before != nil && pages < 100
        XCTAssertEqual(walked, all.reversed(), "the pages together are the whole log, newest first, each event once")
        XCTAssertEqual(pages, (all.count + 4) / 5)

        // A case's page holds only that case's events, and an advocate is refused as for the whole log.
        let casePage = try admin.auditLogPage(caseID: caseID, since: nil, actor: nil, before: nil, limit: 3)
        XCTAssertEqual(casePage.entries.count, 3)
        XCTAssertTrue(casePage.entries.allSatisfy { $0.caseID == caseID.rawValue })
        XCTAssertThrowsError(try t.vault.auditLogPage(caseID: nil, since: nil, actor: nil, before: nil, limit: 5))
        // A manager's pages hold exactly the events the whole log shows them (their organisation's cases, and events
        // about no case), chosen from the index before any row is read.
        let manager = try t.asManager()
        let seen = try manager.auditLog(caseID: nil, since: nil, actor: nil).map(\.sequence)
        let managed = try manager.auditLogPage(caseID: nil, since: nil, actor: nil, before: nil, limit: 1000)
        XCTAssertEqual(managed.entries.map(\.sequence), seen.reversed())
        XCTAssertEqual(managed.total, seen.count)
        XCTAssertNil(managed.olderBefore)
    }
}
