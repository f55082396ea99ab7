import Foundation
import MeetingBundle
import PDFRender
import Redaction
import VaultCrypto
import XCTest

final class BundleExportTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func sources() throws -> [BundleSource] {
        [
            BundleFixtures.source("doc-scan", name: "statement-scan.pdf", mediaType: "application/pdf", date: "2026-03-02",
                                  bytes: try BundleFixtures.scannedPDF()),
            BundleFixtures.source("doc-letter", name: "complaint letter to Bartholomew Quenby.txt", mediaType: "text/plain", date: "2026-02-10",
                                  bytes: Array(BundleFixtures.letter.utf8)),
            BundleFixtures.source("doc-summary", name: "discharge-summary.pdf", mediaType: "application/pdf", date: nil,
                                  bytes: try BundleFixtures.textLayerPDF(in: directory)),
        ]
    }

    /// Everything a recipient could read out of the file: text layers, metadata, annotations, and OCR of every page.
    private func everythingReadable(_ pdf: [UInt8], ocr: OCREngine?) throws -> String {
        let document = try PDFSource(data: pdf)
        var text = try document.hiddenText()
        for page in 0..<document.pageCount {
            text.append(try document.text(ofPage: page))
            if let ocr { text.append(ocr.recognize(try document.render(page: page, dpi: 150)).words.map(\.text).joined(separator: " ")) }
        }
        return text.joined(separator: "\n")
    }

    func testTheBundleCarriesNoneOfThePersonalDataButKeepsWhatIsAllowed() throws {
        let inputs = try sources()
        // The inputs really do carry the data, in the text layer, the metadata and an annotation.
        let summary = try PDFSource(data: inputs[2].plaintext)
        XCTAssertTrue(try summary.text(ofPage: 0).contains("Bartholomew Quenby"))
        XCTAssertTrue(try summary.hiddenText().contains { $0.contains("Bartholomew Quenby") }, "title and annotation carry the name")
        XCTAssertFalse(try PDFSource(data: inputs[0].plaintext).text(ofPage: 0).contains("Quenby"), "the scan has no text layer")

        guard let ocr = OCREngine.make(environment: [:]) else {
            throw XCTSkip("tesseract's English model is not installed (make test installs it): the scanned page cannot be checked")
        }
        let key = try Ed25519.PrivateKey.generate()
        let result = try BundleExporter(request: BundleFixtures.request(), sources: inputs, ocr: ocr).export(signingKey: key)
        let readable = try everythingReadable(result.pdf, ocr: ocr)

        for secret in ["Quenby", "Bartholomew", "Larkspur", "943 476 5919", "9434765919", "777123", "Thistlewood"] {
            XCTAssertFalse(readable.localizedCaseInsensitiveContains(secret), "\(secret) survived into the bundle")
        }
        XCTAssertTrue(readable.contains("Priya Ramanathan"), "staff in role stay readable")
        XCTAssertTrue(readable.contains("Norfolk and Norwich University Hospitals"), "the NHS body's name stays readable")

        // Order: dated documents first, oldest first; the undated summary last. Cover and index come first.
        XCTAssertEqual(result.reports.map(\.documentID), ["doc-letter", "doc-scan", "doc-summary"])
        XCTAssertEqual(result.reports.map(\.firstPage), [3, 4, 5])
        XCTAssertEqual(result.pages, 5)
        XCTAssertEqual(result.reports[0].title, "complaint letter to [REDACTED]")
        XCTAssertEqual(result.reports[1].redactions["person_name"], 1)
        XCTAssertGreaterThanOrEqual(result.reports[2].redactions["address"] ?? 0, 1)

        let output = try PDFSource(data: result.pdf)
        XCTAssertEqual(output.pageCount, 5)
        XCTAssertEqual(output.attachmentCount, 0)
        let cover = try output.text(ofPage: 0)
        XCTAssertTrue(cover.contains("C-0001") && cover.contains("Local resolution meeting") && cover.contains("CONFIDENTIAL"))
        XCTAssertTrue(cover.contains("withheld under the redaction policy"), "the client's name is not on the cover by default")
        let index = try output.text(ofPage: 1)
        XCTAssertTrue(index.contains("discharge-summary") && index.contains("10 February 2026") && index.contains("undated"), index)
        for page in 0..<5 { XCTAssertTrue(try output.text(ofPage: page).contains("Page \(page + 1) of 5"), "page number on page \(page + 1)") }
        // Pages from PDFs are images now: no text layer of the original survives.
        XCTAssertFalse(try output.text(ofPage: 4).contains("DISCHARGE"))
        XCTAssertEqual(try output.hiddenText().filter { !$0.hasPrefix("cairo") }.sorted(), ["Meeting bundle", "casevault"], "neutral metadata only")
    }

    func testTheClientsNameAppearsOnlyWhenThePolicyKeepsIt() throws {
        let letter = BundleFixtures.source("doc-letter", name: "letter.txt", mediaType: "text/plain", date: "2026-02-10", bytes: Array(BundleFixtures.letter.utf8))
        let key = try Ed25519.PrivateKey.generate()
        let keep = try RedactionPolicy.parse("default; keep=client-name")
        let result = try BundleExporter(request: BundleFixtures.request(policy: keep), sources: [letter], ocr: nil).export(signingKey: key)
        let cover = try PDFSource(data: result.pdf).text(ofPage: 0)
        XCTAssertTrue(cover.contains("Margery Thistlewood"))
    }

    func testAScanWithoutOCRIsLeftOutUnlessReviewedAndSaysSo() throws {
        let scan = BundleFixtures.source("doc-scan", name: "scan.pdf", mediaType: "application/pdf", date: "2026-03-02", bytes: try BundleFixtures.scannedPDF())
        let letter = BundleFixtures.source("doc-letter", name: "letter.txt", mediaType: "text/plain", date: "2026-02-10", bytes: Array(BundleFixtures.letter.utf8))
        let key = try Ed25519.PrivateKey.generate()
        let result = try BundleExporter(request: BundleFixtures.request(), sources: [scan, letter], ocr: nil).export(signingKey: key)
        let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-scan" })
        XCTAssertEqual(report.pagesFlagged, [1])
        XCTAssertEqual(report.pagesLeftOut, 1)
        XCTAssertNil(report.firstPage)
        XCTAssertEqual(result.manifest.items.first { $0.documentID == "doc-scan" }?.pagesLeftOut, 1)
        XCTAssertTrue(try PDFSource(data: result.pdf).text(ofPage: 1).contains("left out"))

        let reviewed = try BundleExporter(request: BundleFixtures.request(includeUnreviewed: true), sources: [scan, letter], ocr: nil).export(signingKey: key)
        XCTAssertEqual(reviewed.reports.first { $0.documentID == "doc-scan" }?.firstPage, 4)
    }

    func testAPictureOfTextOnATypedPageIsReadByOCRAndRedactedToo() throws {
        guard let ocr = OCREngine.make(environment: [:]) else {
            throw XCTSkip("tesseract's English model is not installed (make test installs it): pictures of text cannot be read")
        }
        let mixed = BundleFixtures.source("doc-mixed", name: "letter.pdf", mediaType: "application/pdf", date: "2026-01-05", bytes: try BundleFixtures.mixedPDF())
        let result = try BundleExporter(request: BundleFixtures.request(), sources: [mixed], ocr: ocr).export(signingKey: try Ed25519.PrivateKey.generate())
        XCTAssertEqual(result.reports.first?.redactions["person_name"], 2, "the typed name and the pictured one")
        let readable = try everythingReadable(result.pdf, ocr: ocr)
        XCTAssertFalse(readable.contains("Quenby"), readable)
        XCTAssertTrue(readable.contains("Signed for and on behalf"), "the rest of the picture is kept: \(readable)")
        XCTAssertTrue(readable.contains("about the ward"), "the typed text around the name is kept")
    }

    func testARedactedStringLeftUnredactedElsewhereFailsTheBundleAndNamesTheDocument() throws {
        // The date of birth is found where it is labelled, and is then searched for everywhere in the finished
        // bundle: the bare date in the second note is caught by the leak check, and nothing is returned.
        let labelled = BundleFixtures.source("doc-a", name: "a.txt", mediaType: "text/plain", date: "2026-01-05",
                                             bytes: Array("Patient date of birth: 14/03/1946.".utf8))
        let bare = BundleFixtures.source("doc-b", name: "b.txt", mediaType: "text/plain", date: "2026-01-06",
                                         bytes: Array("Appointment card reference 14/03/1946.".utf8))
        XCTAssertThrowsError(try BundleExporter(request: BundleFixtures.request(), sources: [bare, labelled], ocr: nil)
            .export(signingKey: try Ed25519.PrivateKey.generate())) {
            guard case .leak(let id, let kind, let location)? = $0 as? BundleError else { return XCTFail("\($0)") }
            XCTAssertEqual(id, "doc-b")
            XCTAssertEqual(kind, "date_of_birth")
            XCTAssertEqual(location, "page 4")
            XCTAssertFalse("\($0)".contains("1946"), "the error names the document and kind, never the text")
        }
    }

    func testPagesFromPDFsAreCheckedByTheirTextOrByOCRWhenAskedForEveryPage() throws {
        guard let ocr = OCREngine.make(environment: [:]) else {
            throw XCTSkip("tesseract's English model is not installed (make test installs it): OCR of every page cannot run")
        }
        // The date of birth is labelled in a letter and bare on a typed PDF page. The PDF page is drawn as pixels;
        // its text layer explains every mark, so the leak check reads it by that text — or by OCR when asked to.
        let labelled = BundleFixtures.source("doc-a", name: "a.txt", mediaType: "text/plain", date: "2026-01-05",
                                             bytes: Array("Patient date of birth: 14/03/1946.".utf8))
        let composer = try PDFComposer(title: "card")
        composer.beginPage(size: .a4)
        composer.text("Appointment card 14/03/1946", style: TextStyle(font: "DejaVu Sans 16"), x: 60, y: 80, width: 470)
        let card = BundleFixtures.source("doc-card", name: "card.pdf", mediaType: "application/pdf", date: "2026-01-06", bytes: try composer.finish())
        for (everyPage, expected) in [(false, "page 4"), (true, "page 4 (read by OCR)")] {
            var request = BundleFixtures.request()
            request.ocrEveryPage = everyPage
            XCTAssertThrowsError(try BundleExporter(request: request, sources: [card, labelled], ocr: ocr).export(signingKey: try Ed25519.PrivateKey.generate())) {
                guard case .leak(let id, let kind, let location)? = $0 as? BundleError else { return XCTFail("\($0)") }
                XCTAssertEqual(id, "doc-card")
                XCTAssertEqual(kind, "date_of_birth")
                XCTAssertEqual(location, expected)
            }
        }
    }

    func testDryRunPlansWithoutDrawing() throws {
        let letter = BundleFixtures.source("doc-letter", name: "letter.txt", mediaType: "text/plain", date: "2026-02-10", bytes: Array(BundleFixtures.letter.utf8))
        let plan = try BundleExporter(request: BundleFixtures.request(), sources: [letter], ocr: nil).plan()
        XCTAssertEqual(plan.pages, 3)
        XCTAssertEqual(plan.reports.first?.redactions["person_name"], 1)
        XCTAssertEqual(plan.reports.first?.redactions["nhs_number"], 1)
        XCTAssertEqual(plan.reports.first?.detectors, ["known-person": 1, "nhs-number": 1, "uk-phone": 1])
    }

    func testUnsupportedAndDamagedDocumentsAreNamed() throws {
        let zip = BundleFixtures.source("doc-zip", name: "x.zip", mediaType: "application/zip", date: nil, bytes: [1, 2, 3])
        XCTAssertThrowsError(try BundleExporter(request: BundleFixtures.request(), sources: [zip], ocr: nil).plan()) {
            XCTAssertEqual($0 as? BundleError, .unsupported(documentID: "doc-zip", mediaType: "application/zip"))
        }
        let broken = BundleFixtures.source("doc-pdf", name: "x.pdf", mediaType: "application/pdf", date: nil, bytes: Array("%PDF-1.4 nonsense".utf8))
        XCTAssertThrowsError(try BundleExporter(request: BundleFixtures.request(), sources: [broken], ocr: nil).plan()) {
            guard case .unreadable(let id, _)? = $0 as? BundleError else { return XCTFail("\($0)") }
            XCTAssertEqual(id, "doc-pdf")
        }
    }

    func testManyDocumentsSpillTheIndexOntoMorePagesWithLinksStillRight() throws {
        let letters = (1...70).map { n in
            BundleFixtures.source(String(format: "doc-%03d", n), name: "note \(n).txt", mediaType: "text/plain",
                                  date: String(format: "2026-01-%02d", (n % 28) + 1), bytes: Array("Note \(n) about the ward.".utf8))
        }
        let result = try BundleExporter(request: BundleFixtures.request(), sources: letters, ocr: nil).export(signingKey: try Ed25519.PrivateKey.generate())
        let first = try XCTUnwrap(result.reports.first?.firstPage)
        XCTAssertGreaterThan(first, 3, "70 rows need more than one index page")
        // Every index row is a link to its tab's first page, across both index pages; every tab has a bookmark.
        let linked = try (2..<first).flatMap { try Navigation.linkTargets(result.pdf, page: $0) }
        XCTAssertEqual(linked, result.reports.compactMap(\.firstPage))
        let outline = try Navigation.outline(result.pdf)
        XCTAssertEqual(outline.count, 2 + 70)
        XCTAssertEqual(outline.first?.0, "Cover")
        XCTAssertEqual(outline[1].0, "Index")
        XCTAssertEqual(outline[1].1, 2)
        for (entry, report) in zip(outline.dropFirst(2), result.reports) {
            XCTAssertEqual(entry.0, "Tab \(report.tab): \(report.title)")
            XCTAssertEqual(entry.1, report.firstPage)
        }
        XCTAssertEqual(result.pages, first + 69)
        let output = try PDFSource(data: result.pdf)
        XCTAssertTrue(try output.text(ofPage: first - 1).contains("Note"), "the first tab starts where the index says")
        XCTAssertEqual(result.reports.map(\.date), result.reports.map(\.date).sorted { ($0 ?? "") < ($1 ?? "") })
    }
}
