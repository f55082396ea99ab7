import Foundation
import XCTest

/// The activity log page (issue 22, "audit view for managers"): a manager of the case's organisation sees who did
/// what on its cases, with names and case references, newest first, filtered by case; an advocate is refused by the
/// core with the same words as the CLI; a manager of another organisation sees none of this organisation's cases.
extension WebInterfaceTests {
    func testAManagerSeesTheActivityLogWithNamesAndAnAdvocateIsRefused() async throws {
        let w = try await world()
        // Sam reads the letter, so the log has a read by a named advocate on the case.
        let sam = try await w.token(w.sam)
        let read = try await w.request("GET", "/documents/\(w.letter)?acknowledge=R-CON-9", curlOptions: Self.cookie(sam))
        XCTAssertEqual(read.status, 200)

        let lee = try await w.token(w.lee)
        let cases = try await w.request("GET", "/cases", curlOptions: Self.cookie(lee))
        XCTAssertTrue(cases.text.contains("href=\"/audit\""), "a manager's case list links to the activity log")
        XCTAssertFalse(cases.text.contains(">Show all</a>"), "no filter typed, so nothing to clear")
        let log = try await w.request("GET", "/audit", curlOptions: Self.cookie(lee))
        XCTAssertEqual(log.status, 200, log.text)
        XCTAssertTrue(log.text.contains("<td>Sam Carter</td><td>Read a document</td>"), "names and words, not ids: \(log.text)")
        XCTAssertTrue(log.text.contains("<td>\(w.letter)</td>"), "the document read")
        XCTAssertTrue(log.text.contains("href=\"/cases/\(w.caseID)\""), "the case links to its page")
        XCTAssertEqual(WebInterfaceTests.header("cache-control", in: log).first, "no-store")
        // Newest first: the read just made comes before the case being opened.
        let readAt = try XCTUnwrap(log.text.range(of: "Read a document")).lowerBound
        let openedAt = try XCTUnwrap(log.text.range(of: "Opened a case")).lowerBound
        XCTAssertLessThan(readAt, openedAt)
        // Filtered to another case by its reference or client's name: the upload case has no read of the letter.
        let filtered = try await w.request("GET", "/audit?case=\(w.uploadCase)", curlOptions: Self.cookie(lee))
        XCTAssertEqual(filtered.status, 200)
        XCTAssertTrue(filtered.text.contains(">Show all</a>"))
        XCTAssertFalse(filtered.text.contains("<td>\(w.letter)</td>"), filtered.text)

        // An advocate: the core's audit.read refusal, and no link on their case list.
        let samCases = try await w.request("GET", "/cases", curlOptions: Self.cookie(sam))
        XCTAssertFalse(samCases.text.contains("href=\"/audit\""))
        let refused = try await w.request("GET", "/audit", curlOptions: Self.cookie(sam))
        XCTAssertEqual(refused.status, 403)
        XCTAssertFalse(refused.text.contains("Read a document"), refused.text)
        // The other organisation's advocate sees nothing of this one's cases either way.
        let alexToken = try await w.token(w.alex)
        let alex = try await w.request("GET", "/audit", curlOptions: Self.cookie(alexToken))
        XCTAssertEqual(alex.status, 403)
        XCTAssertFalse(alex.text.contains(w.caseID) || alex.text.contains("Margaret Ellis"))
    }
}

/// The accounts page: organisations with their accounts and roles, names escaped; the administrator is told how to
/// add accounts and recovery shares on their own computer, an advocate is not.
extension WebInterfaceTests {
    func testTheAccountsPageListsOrganisationsWithRolesAndTellsAnAdministratorTheCommands() async throws {
        let w = try await world()
        // The world's first administrator has no passphrase (made by init for scripts); sign in as a second one.
        let second = try w.addAccount("Ada Price", org: nil, role: .admin)
        let adminToken = try await w.token(second)
        let page = try await w.request("GET", "/accounts", curlOptions: Self.cookie(adminToken))
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertTrue(page.text.contains("<h2>Norfolk NHS Complaints Advocacy</h2>") && page.text.contains("<h2>Suffolk Advocacy</h2>"), page.text)
        XCTAssertTrue(page.text.contains("<th scope=\"row\">Lee Morgan</th><td>Manager</td><td>\(w.lee)</td><td>active</td>"), page.text)
        XCTAssertTrue(page.text.contains("<th scope=\"row\">Alex Reid</th><td>Advocate</td>"), page.text)
        XCTAssertFalse(page.text.contains("case references start </p>"), "no prefix, no sentence about it")
        XCTAssertTrue(page.text.contains("casevault recovery split"), "an administrator is told where shares are made")
        let samToken = try await w.token(w.sam)
        let sam = try await w.request("GET", "/accounts", curlOptions: Self.cookie(samToken))
        XCTAssertEqual(sam.status, 200)
        XCTAssertTrue(sam.text.contains("Sam Carter (you)"), sam.text)
        XCTAssertFalse(sam.text.contains("casevault recovery split"))
    }
}
