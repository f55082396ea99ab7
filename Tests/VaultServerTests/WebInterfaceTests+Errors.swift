import Foundation
import XCTest

/// What a page says when the link or the form holds something the core cannot take: a case that does not exist is a
/// page not found and a malformed date is the advocate's to correct, both in words, never a server failure (500).
extension WebInterfaceTests {
    func testAnUnknownCaseIs404AndABadDateIs400InPlainWords() async throws {
        let w = try await world()
        let sam = try await w.token(w.sam)
        for path in ["/cases/NCA-1999-0042", "/cases/Nobody%20By%20This%20Name", "/cases/NCA-1999-0042/upload", "/cases/NCA-1999-0042/bundle"] {
            let page = try await w.request("GET", path, curlOptions: Self.cookie(sam))
            XCTAssertEqual(page.status, 404, "\(path): \(page.text)")
            XCTAssertTrue(page.text.contains("<h1>Not found</h1>") && page.text.contains("Check the link, or find the case in My cases."),
                          "\(path): \(page.text)")
            XCTAssertFalse(page.text.contains("casevault case list"), "\(path) names a command")
        }
        let lee = try await w.token(w.lee)
        let badDate = try await w.request("GET", "/audit?since=last%20week", curlOptions: Self.cookie(lee))
        XCTAssertEqual(badDate.status, 400, badDate.text)
        XCTAssertTrue(badDate.text.contains("Please check what was entered") && badDate.text.contains("correct it and try again"), badDate.text)
        XCTAssertFalse(badDate.text.contains("request "), "a mistake in a form is not a server failure with a request number")
    }
}
