import CSystemZlib
import Foundation
import PDFRender
import XCTest

/// Issue 20, point 4: a corpus of 20 small documents with known dates, of every kind ingest meets. Each date comes
/// from the strongest evidence (email Date header, letterhead above the salutation, PDF creation date, file name,
/// `--date`), never from a letter's body; what has none is dated by the file time and says it is a guess.
final class DocumentDatesTests: XCTestCase {
    /// A .docx with one paragraph per line: a ZIP with `word/document.xml` stored (no compression).
    static func docx(_ lines: [String]) -> Data {
        let paragraphs = lines.map { "<w:p><w:r><w:t xml:space=\"preserve\">\($0)</w:t></w:r></w:p>" }.joined()
        let xml = Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
            + "<w:body>\(paragraphs)</w:body></w:document>").utf8)
        return storedZip([("word/document.xml", xml)])
    }

    static func storedZip(_ entries: [(String, [UInt8])]) -> Data {
        var out: [UInt8] = [], central: [UInt8] = []
        func u16(_ v: Int, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int, _ to: inout [UInt8]) { u16(v & 0xFFFF, &to); u16((v >> 16) & 0xFFFF, &to) }
        for (name, data) in entries {
            let crc = Int(data.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
            let offset = out.count
            u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0x21, &out)
            u32(crc, &out); u32(data.count, &out); u32(data.count, &out); u16(name.utf8.count, &out); u16(0, &out)
            out += Array(name.utf8) + data
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central); u16(0, &central)
            u16(0x21, &central); u32(crc, &central); u32(data.count, &central); u32(data.count, &central); u16(name.utf8.count, &central)
            u16(0, &central); u16(0, &central); u16(0, &central); u16(0, &central); u32(0, &central); u32(offset, &central)
            central += Array(name.utf8)
        }
        let directoryOffset = out.count
        out += central
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
        u32(central.count, &out); u32(directoryOffset, &out); u16(0, &out)
        return Data(out)
    }

    /// The corpus: file name, content, and the date a person reading it would give it (nil: it has none).
    static func corpus() throws -> [(name: String, content: Data, date: String?)] {
        func text(_ s: String) -> Data { Data(s.utf8) }
        // Typed text on the page, and cairo's own creation date (today) in the metadata: the text wins.
        let composer = try PDFComposer(title: "Letter")
        composer.beginPage(size: .a4)
        for (index, line) in ["Norfolk Trust", "12/05/2025", "Dear Ms Ellis,", "Your appointment on 01/01/2024."].enumerated() {
            _ = composer.text(line, style: TextStyle(font: "DejaVu Sans 12"), x: 60, y: 80 + Double(index) * 20, width: 470)
        }
        let typedPDF = try composer.finish()
        let infoPDF = PDFMessagesTests.assemble([
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            "<< /Producer (Microsoft Word) /CreationDate (D:20250820101500+01'00') /ModDate (D:20251101090000Z) >>",
        ], trailer: "/Info 4 0 R")
        let xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><xmp:CreateDate>2025-07-14T10:00:00Z</xmp:CreateDate></x:xmpmeta>"
        let xmpPDF = PDFMessagesTests.assemble([
            "<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            "<< /Type /Metadata /Subtype /XML /Length \(xmp.utf8.count) >>\nstream\n\(xmp)\nendstream",
        ])
        return [
            ("pals.eml", text("From: pals@trust.nhs.uk\nDate: Tue, 5 Aug 2025 10:00:00 +0100\nSubject: Your concern\n\nWe met on 1 July 2025.\n"), "2025-08-05"),
            ("reply.eml", text("Date: 3 Feb 2025 09:00:00 +0000\nSubject: Re: complaint\n\nDear Ms Ellis,\nYour letter of 20 January 2025.\n"), "2025-02-03"),
            ("letter-to-trust.txt", text("Complaints Team\nNorfolk Trust\n\n14 March 2025\n\nDear Sir or Madam,\nOn 2 January 2025 my mother was admitted.\n"), "2025-03-14"),
            ("2025-04-22-letter-to-trust.txt", text("Complaints Team\nNorfolk Trust\n\nDear Sir or Madam,\nOn 2 January 2025 my mother was admitted.\n"), "2025-04-22"),
            ("typed-letter.pdf", Data(typedPDF), "2025-05-12"),
            ("us-order.txt", text("June 3, 2025\n\nDear Ms Ellis,\nThank you for calling on July 1, 2025.\n"), "2025-06-03"),
            ("dob-first.txt", text("Patient: M Ellis\nDate of birth: 14 March 1946\nDate: 20 February 2025\n\nDear Dr Shah,\nSeen 1 March 2025.\n"), "2025-02-20"),
            ("notes.md", text("# Meeting notes, 3 March 2025\n\nAttendees: M Ellis, S Carter\n\nNext meeting 10 April 2025.\n"), "2025-03-03"),
            ("visit.md", text("**Date:** 2025-04-01\n\nHome visit to Mrs Ellis.\n\nShe recalls 12 February 2025.\n"), "2025-04-01"),
            ("call.docx", docx(["Phone note", "12 May 2025", "Call with Mrs Ellis about the meeting on 20 May 2025."]), "2025-05-12"),
            ("trust-letter.docx", docx(["Norfolk Trust", "1 September 2025", "", "Dear Ms Ellis,", "We will meet on 9 September 2025."]), "2025-09-01"),
            ("scan 20250302.docx", docx(["Dear Sir,", "I write about the care on 4 April 2024."]), "2025-03-02"),
            ("trust-response.pdf", Data(infoPDF), "2025-08-20"),
            ("records.pdf", Data(xmpPDF), "2025-07-14"),
            ("2025-07-09-discharge-summary.txt", text("Discharge summary\nWard 4\nSeen by Dr A\n\n\n\n\nAdmitted 1 July 2025.\n"), "2025-07-09"),
            ("20250611_note.txt", text("Note to self: chase the trust for the records.\n"), "2025-06-11"),
            ("acknowledgement.txt", text("Our ref: 123\n2nd October 2025\n\nDear Ms Ellis,\nWe received your complaint on 28 September 2025.\n"), "2025-10-02"),
            ("undated-letter.txt", text("Dear Sir,\nI am writing about what happened on 3 March 2025.\n"), nil),
            ("undated.docx", docx(["Some thoughts", "", "", "", "", "", "", "", "Later, on 5 May 2025, she called."]), nil),
        ]
    }

    func testTwentyDocumentsAreDatedFromTheirOwnEvidenceAndTheRestAreFlagged() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        try FileManager.default.createDirectory(atPath: sandbox.path("corpus"), withIntermediateDirectories: true)
        let corpus = try Self.corpus()
        for document in corpus { try document.content.write(to: URL(fileURLWithPath: sandbox.path("corpus/" + document.name))) }
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "corpus"]).exitCode, 0)
        // The twentieth: --date wins over the letterhead date in it.
        _ = try write(sandbox, "given.txt", "Norfolk Trust\n5 May 2025\n\nDear Sir,\n")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "--date", "2025-01-31", "given.txt"]).exitCode, 0)

        let expected = Dictionary(uniqueKeysWithValues: corpus.map { ($0.name, $0.date) } + [("given.txt", "2025-01-31")])
        let listed = try listedDocuments(sandbox, ["list", "--case", caseID])
        XCTAssertEqual(listed.count, 20)
        var right = 0, flagged = 0, wrong: [String] = []
        for row in listed {
            let name = try XCTUnwrap(row["name"] as? String)
            let date = row["document_date"] as? String, source = row["document_date_source"] as? String
            if source == "file time (guessed)" {
                flagged += 1
                XCTAssertNil(expected[name] ?? nil, "\(name) has a date of its own, but was dated by the file time")
            } else if date == expected[name] ?? nil {
                right += 1
            } else {
                wrong.append("\(name): \(date ?? "-") from \(source ?? "-")")
            }
        }
        XCTAssertEqual(right, 18, "wrong: \(wrong)")
        XCTAssertEqual(flagged, 2)
        XCTAssertEqual(wrong, [])

        func row(_ name: String) throws -> [String: Any] { try XCTUnwrap(listed.first { $0["name"] as? String == name }) }
        XCTAssertEqual(try row("given.txt")["document_date_source"] as? String, "given at ingest")
        XCTAssertEqual(try row("trust-response.pdf")["document_date_source"] as? String, "PDF creation date")
        XCTAssertEqual(try row("typed-letter.pdf")["document_date_source"] as? String, "PDF text", "read in the child process")
        XCTAssertEqual(try row("2025-04-22-letter-to-trust.txt")["document_date_source"] as? String, "file name", "not the body's 2 January")
        // Kinds from content as well as the extension.
        XCTAssertEqual(try row("call.docx")["kind"] as? String, "internal_note", "a .docx phone note is the advocate's own note, not a letter")
        XCTAssertEqual(try row("trust-letter.docx")["kind"] as? String, "letter")
        XCTAssertEqual(try row("2025-07-09-discharge-summary.txt")["kind"] as? String, "evidence")
        // `show` says where the date came from.
        let shown = try sandbox.run(["show", try XCTUnwrap(try row("undated-letter.txt")["id"] as? String)])
        XCTAssertTrue(shown.stdout.contains("(from file time (guessed))"), shown.stdout)
    }
}
