import XCTest
@testable import VaultCore

/// The rules behind ingest's document dates, one by one (the CLI corpus test checks them together).
final class DocumentDatingTests: XCTestCase {
    func date(_ name: String, _ text: String?, _ mediaType: String = "text/plain", pdf: String = "") -> String? {
        DocumentClassifier.documentDate(name: name, mediaType: mediaType, text: text, pdfBytes: Array(pdf.utf8))?.date
    }

    func testALetterIsDatedAboveItsSalutationNeverFromItsBody() {
        XCTAssertEqual(date("a.txt", "Trust\n3 March 2025\nDear Sir,\nOn 1 January 2025 …"), "2025-03-03")
        XCTAssertNil(date("a.txt", "Trust\nDear Sir,\nOn 1 January 2025 …"), "the body's date is not the letter's")
        XCTAssertNil(date("a.txt", "Notes\nShe called.\nLater, on 5 May 2025, she called again."), "no date line, no date")
        XCTAssertEqual(date("a.txt", "Notes\nTuesday, 6 May 2025\nShe called."), "2025-05-06", "a date line among the first lines")
        XCTAssertEqual(date("a.md", "# Minutes, 7 May 2025\n\nPresent: …"), "2025-05-07", "the title")
    }

    func testFileNamesPDFMetadataAndTheirOrder() {
        XCTAssertEqual(date("2025-03-02-letter.txt", nil), "2025-03-02")
        XCTAssertEqual(date("scan_20250302.png", nil), "2025-03-02")
        XCTAssertEqual(date("2025_03_02 notes.md", nil), "2025-03-02")
        XCTAssertNil(date("ref 120250302999.txt", nil), "digits inside a longer number are no date")
        XCTAssertNil(date("2025-13-02.txt", nil), "no 13th month")
        XCTAssertEqual(date("x.pdf", nil, "application/pdf", pdf: "<< /CreationDate (D:20250820101500+01'00') >>"), "2025-08-20")
        XCTAssertEqual(date("2024-01-01.pdf", "Trust\n9 June 2025\nDear Sir,", "application/pdf", pdf: "/CreationDate (D:20250820)"),
                       "2025-06-09", "the page's text before the metadata before the file name")
        XCTAssertEqual(DocumentClassifier.documentDate(name: "x.pdf", mediaType: "application/pdf", text: "Trust\n9 June 2025", pdfBytes: [])?.source,
                       .pdfText)
        XCTAssertEqual(date("2024-01-01.eml", "Date: Tue, 5 Aug 2025 10:00:00 +0100\n\nDear …", "message/rfc822"), "2025-08-05")
    }

    func testKindsFromTheFirstLines() {
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        XCTAssertEqual(DocumentClassifier.kind(fileName: "call.docx", mediaType: docx, text: "Phone note\n12 May 2025"), .internalNote)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "call.docx", mediaType: docx, text: "Trust\nDear Ms Ellis,"), .letter)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "d.pdf", mediaType: "application/pdf", text: "DISCHARGE SUMMARY\nWard 4"), .evidence)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "consent.docx", mediaType: docx, text: "Meeting notes"), .consentForm, "the name first")
    }

    /// A note typed as one long line: its date is read from where a title's would be, not from words thousands of
    /// characters on (every upload read all of them, the team server's costliest step for such notes).
    func testALongSingleLineIsReadOnlyAsFarAsATitle() {
        let filler = String(repeating: "Phoned the ward again about the discharge. ", count: 400)
        XCTAssertEqual(DocumentClassifier.letterheadDate("12 May 2025: " + filler), "2025-05-12")
        XCTAssertNil(DocumentClassifier.letterheadDate(filler + "12 May 2025"), "a date 17 000 characters into the first line is not a title's")
        XCTAssertEqual(DocumentClassifier.letterheadDate("Ward notes\n" + filler + "\nDate: 3 June 2025"), "2025-06-03")
    }
}
