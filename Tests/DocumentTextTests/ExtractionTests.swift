import Foundation
import DocumentText
import XCTest
import ZIPFoundation

final class EmailExtractionTests: XCTestCase {
    func extract(_ text: String) throws -> ExtractedText {
        try TextExtractor.extract(data: Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8), format: .email)
    }

    func testQuotedPrintableWithSoftBreaksAndEncodedHeaders() throws {
        let message = try extract("""
        From: =?utf-8?q?Zo=C3=AB_Ellis?= <zoe@example.com>
        To: pals@example.nhs.uk
        Subject: =?utf-8?b?Q29tcGxhaW50IOKAkyBXYXJkIDdC?=
        Date: Tue, 18 Feb 2025 09:12:00 +0000
        X-Other: not shown
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: quoted-printable

        My mother was discharged at 11pm =E2=80=93 without her medic=
        ation. Caf=C3=A9 =3D shop.
        """)
        XCTAssertEqual(message.headers.map(\.name), ["From", "To", "Subject", "Date"])
        XCTAssertEqual(message.headers[0].value, "Zoë Ellis <zoe@example.com>")
        XCTAssertEqual(message.headers[2].value, "Complaint – Ward 7B")
        XCTAssertEqual(message.body, "My mother was discharged at 11pm – without her medication. Café = shop.")
        XCTAssertTrue(message.renderedText.hasPrefix("From: Zoë Ellis <zoe@example.com>\nTo: pals@example.nhs.uk\n"))
    }

    func testMultipartPrefersPlainTextAndListsAttachments() throws {
        let message = try extract("""
        From: a@example.com
        Subject: Records
        Content-Type: multipart/mixed; boundary="outer"

        preamble
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=us-ascii

        Plain body.
        --inner
        Content-Type: text/html

        <p>HTML body.</p>
        --inner--
        --outer
        Content-Type: application/pdf; name="scan.pdf"
        Content-Disposition: attachment; filename="scan.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        --outer--
        """)
        XCTAssertEqual(message.body.trimmingCharacters(in: .whitespacesAndNewlines), "Plain body.")
        XCTAssertEqual(message.attachments, [Attachment(fileName: "scan.pdf", contentType: "application/pdf", size: 9)])
        XCTAssertTrue(message.renderedText.contains("- scan.pdf (application/pdf, 9 bytes)"))
    }

    func testHTMLOnlyIsStrippedOfTagsScriptsAndEntities() throws {
        let message = try extract("""
        Content-Type: text/html; charset=windows-1252
        Content-Transfer-Encoding: quoted-printable

        <html><head><style>p{color:red}</style><script>alert("x")</script></head><body><p>Dear&nbsp;Sam,</p><p>It=92s 5 &lt; 6 &amp; caf&#233;.</p></body></html>
        """)
        XCTAssertEqual(message.body, "Dear\u{00A0}Sam,\n\nIt’s 5 < 6 & café.")
        XCTAssertFalse(message.body.contains("alert"))
        XCTAssertFalse(message.body.contains("color"))
    }

    func testBase64BodyAndLatin1() throws {
        let body = Data("Pay £5 at the café".data(using: .isoLatin1)!).base64EncodedString()
        let message = try extract("""
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: base64

        \(body)
        """)
        XCTAssertEqual(message.body.trimmingCharacters(in: .whitespacesAndNewlines), "Pay £5 at the café")
    }

    func testHostileMessagesFailCleanlyOrDegrade() throws {
        var nested = ""
        for level in 0..<20 { nested += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        XCTAssertThrowsError(try extract(nested)) { XCTAssertEqual($0 as? ExtractionError, .malformed("MIME structure nested too deeply or too many parts")) }
        for garbage in ["", "\u{0}\u{1}\u{2}", "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n", "=?utf-8?b?!!!?= : :\n\n=ZZ=\n"] {
            _ = try? extract(garbage)
        }
    }
}

final class DocxExtractionTests: XCTestCase {
    func testParagraphsTabsBreaksAndEntities() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="x"><w:body>
        <w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Chronology</w:t></w:r></w:p>
        <w:p><w:r><w:t xml:space="preserve">28/01 </w:t></w:r><w:r><w:tab/><w:t>Discharged &amp; sent home</w:t></w:r><w:r><w:br/><w:t>11pm &lt;late&gt;</w:t></w:r></w:p>
        <w:p/>
        <w:p><w:r><w:t>Zoë&#8217;s call</w:t></w:r></w:p>
        </w:body></w:document>
        """
        let text = try TextExtractor.extract(data: try DocxArchive.make(Data(xml.utf8)), format: .docx).body
        XCTAssertEqual(text, "Chronology\n28/01 \tDischarged & sent home\n11pm <late>\n\nZoë’s call")
    }

    func testNotAZipAndMissingDocumentPart() throws {
        XCTAssertThrowsError(try TextExtractor.extract(data: Data("not a zip".utf8), format: .docx)) {
            XCTAssertEqual($0 as? ExtractionError, .notAZipArchive)
        }
        let archive = try Archive(data: Data(), accessMode: .create)
        let other = Data("x".utf8)
        try archive.addEntry(with: "word/other.xml", type: .file, uncompressedSize: Int64(other.count)) { position, size in
            other.subdata(in: Int(position)..<Int(position) + size)
        }
        XCTAssertThrowsError(try TextExtractor.extract(data: try XCTUnwrap(archive.data), format: .docx)) {
            XCTAssertEqual($0 as? ExtractionError, .missingPart("word/document.xml"))
        }
    }

    func testAZipBombIsRefused() throws {
        // 80 MiB of zeros deflates to ~80 KiB; the extractor must stop at its 64 MiB cap.
        let archive = try Archive(data: Data(), accessMode: .create)
        let size = 80 << 20
        try archive.addEntry(with: "word/document.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate,
                             bufferSize: 1 << 20) { _, chunk in Data(count: chunk) }
        let bomb = try XCTUnwrap(archive.data)
        XCTAssertLessThan(bomb.count, 1 << 20)
        XCTAssertThrowsError(try TextExtractor.extract(data: bomb, format: .docx)) {
            XCTAssertEqual($0 as? ExtractionError, .tooLarge(limit: TextExtractor.maximumTextBytes))
        }
    }

    func testFormatGuessing() {
        XCTAssertEqual(SourceFormat.guess(mediaType: "message/rfc822", fileName: nil), .email)
        XCTAssertEqual(SourceFormat.guess(mediaType: nil, fileName: "Letter.DOCX"), .docx)
        XCTAssertEqual(SourceFormat.guess(mediaType: "text/markdown", fileName: "x.bin"), .markdown)
        XCTAssertNil(SourceFormat.guess(mediaType: "application/pdf", fileName: "scan.pdf"))
    }
}
