import Foundation
import MeetingBundle
@testable import PDFRender
import Redaction
import VaultCrypto
import XCTest

/// A registered name shown only as pixels: a picture cover in large capitals (issue 23's leak), a small picture
/// of the name on a typed page, and a picture of the name with harmless text laid over it, invisible (render
/// mode 3) or white, so that the page's text layer seems to explain its ink. In every case the name is boxed in
/// the bundle or the page is left out for review; the bundle is read back by OCR to prove it is never legible.
final class PictureLeakTests: XCTestCase {
    static let name = BundleFixtures.thirdParty.fullName

    func engine() throws -> OCREngine {
        guard let ocr = OCREngine.make(environment: [:]) else {
            throw XCTSkip("tesseract's English model is not installed (make test installs it): pictures of names cannot be read")
        }
        return ocr
    }

    /// Text drawn by pango on a page of its own and rendered as pixels: the region `box` (points) at `dpi`.
    static func picture(of text: String, font: String, box: Box, dpi: Double, alignment: TextStyle.Alignment = .left) throws -> Raster {
        let composer = try PDFComposer(title: "picture")
        composer.beginPage(size: .a4)
        composer.text(text, style: TextStyle(font: font, alignment: alignment), x: box.x, y: box.y, width: box.width)
        return try PDFSource(data: try composer.finish()).render(page: 0, region: box, dpi: dpi)
    }

    /// What OCR reads on every page of `pdf` at 200 and 150 dpi, with automatic segmentation and sparse text, and in
    /// `zoom` regions (points) enlarged to 600 dpi, where a small picture's print is legible.
    static func ocrText(_ pdf: [UInt8], ocr: OCREngine, zoom: [Box] = [], pages: [Int]? = nil) throws -> String {
        let document = try PDFSource(data: pdf)
        var text: [String] = []
        for page in pages ?? Array(0..<document.pageCount) {
            var rasters = [try document.render(page: page, dpi: 200), try document.render(page: page, dpi: 150)]
            rasters += try zoom.map { try document.render(page: page, region: $0, dpi: 600) }
            for raster in rasters {
                for mode in [PageSegmentation.automatic, .sparseText] {
                    text.append(ocr.recognize(raster, segmentation: mode).words.map(\.text).joined(separator: " "))
                }
            }
        }
        return text.joined(separator: "\n")
    }

    /// The registered name as the redaction engine finds it (any case, letter-spaced, look-alikes), or as a plain
    /// surname: either means a person could read it.
    static func showsName(_ text: String) -> Bool {
        let matcher = Redactor(context: BundleFixtures.context)
        let found = matcher.spans(in: text).contains { $0.detectorID == .knownPerson && $0.personID == BundleFixtures.thirdParty.id }
        return found || text.localizedCaseInsensitiveContains("Quenby") || text.localizedCaseInsensitiveContains("Bartholomew")
    }

    func export(_ pdf: [UInt8], ocr: OCREngine?, includeUnreviewed: Bool = false) throws -> BundleExporter.Result {
        let source = BundleFixtures.source("doc-pic", name: "picture.pdf", mediaType: "application/pdf", date: "2026-01-05", bytes: pdf)
        let letter = BundleFixtures.source("doc-note", name: "note.txt", mediaType: "text/plain", date: "2026-01-04",
                                           bytes: Array("A note about the ward.".utf8))
        return try BundleExporter(request: BundleFixtures.request(includeUnreviewed: includeUnreviewed), sources: [source, letter], ocr: ocr)
            .export(signingKey: try Ed25519.PrivateKey.generate())
    }

    /// Boxed (a person_name redaction on the page) or left out for review; and in either case not legible.
    func assertNeverLegible(_ result: BundleExporter.Result, ocr: OCREngine, zoom: [Box] = [], _ message: String,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-pic" }, file: file, line: line)
        let boxed = (report.redactions["person_name"] ?? 0) >= 1
        XCTAssertTrue(boxed || report.pagesLeftOut == 1, "\(message): neither boxed nor left out: \(report)", file: file, line: line)
        let read = try Self.ocrText(result.pdf, ocr: ocr, zoom: zoom)
        XCTAssertFalse(Self.showsName(read), "\(message): the name is legible in the bundle", file: file, line: line)
    }

    /// `assertNeverLegible` for several fixtures at once: each is a document ("doc-pic-N") of one bundle, checked on its
    /// own pages (the manifest's range), and the cover, index and note are read back once rather than once per fixture.
    func assertNeverLegible(each pdfs: [(String, [UInt8])], ocr: OCREngine, file: StaticString = #filePath, line: UInt = #line) throws {
        let sources = pdfs.enumerated().map { index, fixture in
            BundleFixtures.source("doc-pic-\(index)", name: "picture.pdf", mediaType: "application/pdf", date: "2026-01-05", bytes: fixture.1)
        }
        let letter = BundleFixtures.source("doc-note", name: "note.txt", mediaType: "text/plain", date: "2026-01-04",
                                           bytes: Array("A note about the ward.".utf8))
        let result = try BundleExporter(request: BundleFixtures.request(), sources: sources + [letter], ocr: ocr)
            .export(signingKey: try Ed25519.PrivateKey.generate())
        var documentPages: Set<Int> = []
        for (index, (trick, _)) in pdfs.enumerated() {
            let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-pic-\(index)" }, trick, file: file, line: line)
            let boxed = (report.redactions["person_name"] ?? 0) >= 1
            XCTAssertTrue(boxed || report.pagesLeftOut == 1, "\(trick): neither boxed nor left out: \(report)", file: file, line: line)
            guard let first = report.firstPage, let last = report.lastPage else { continue }
            documentPages.formUnion(first - 1..<last)
            XCTAssertFalse(Self.showsName(try Self.ocrText(result.pdf, ocr: ocr, pages: Array(first - 1..<last))),
                           "\(trick): the name is legible in the bundle", file: file, line: line)
        }
        let others = (0..<result.pages).filter { !documentPages.contains($0) }
        XCTAssertFalse(Self.showsName(try Self.ocrText(result.pdf, ocr: ocr, pages: others)), "the name is legible on the bundle's other pages",
                       file: file, line: line)
    }

    // MARK: The picture cover

    /// A page that is only a picture: the name in large capitals, centred, as on a book's cover.
    static func coverPDF() throws -> [UInt8] {
        let page = Box(x: 0, y: 0, width: PageSize.a4.width, height: PageSize.a4.height)
        let composer = try PDFComposer(title: "cover")
        composer.beginPage(size: .a4)
        composer.draw(try picture(of: "\n\n\n\nBARTHOLOMEW\nQUENBY\n\nA LIFE ON THE WARDS", font: "DejaVu Serif Bold 44", box: page, dpi: 150,
                              alignment: .centre),
                      in: page)
        return try composer.finish()
    }

    /// The name in large capitals on a finely striped background: automatic layout reads almost nothing of it
    /// (and tesseract's library default, one uniform block, reads noise), while a person reads it at a glance.
    static func stripedCoverPDF() throws -> [UInt8] {
        let page = Box(x: 0, y: 0, width: PageSize.a4.width, height: PageSize.a4.height)
        let design = try PDFComposer(title: "cover")
        design.beginPage(size: .a4)
        for stripe in 0..<120 { design.fill(Box(x: Double(stripe * 5), y: 0, width: 2, height: page.height), gray: 0.6) }
        design.text("BARTHOLOMEW\nQUENBY", style: TextStyle(font: "DejaVu Serif Bold 60", alignment: .centre), x: 0, y: 300, width: page.width)
        let picture = try PDFSource(data: try design.finish()).render(page: 0, dpi: 150)
        let composer = try PDFComposer(title: "cover")
        composer.beginPage(size: .a4)
        composer.draw(picture, in: page)
        return try composer.finish()
    }

    func testAStripedPictureCoverIsBoxedOrLeftOutNeverLegible() throws {
        try checkCover(try Self.stripedCoverPDF())
    }

    func testAPictureCoverOfARegisteredNameIsBoxedOrLeftOutNeverLegible() throws {
        try checkCover(try Self.coverPDF())
    }

    func checkCover(_ cover: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let ocr = try engine()
        let source = try PDFSource(data: cover)
        XCTAssertEqual(try source.text(ofPage: 0).trimmingCharacters(in: .whitespacesAndNewlines), "", "the cover has no text layer", file: file, line: line)
        XCTAssertTrue(Self.showsName(try Self.ocrText(cover, ocr: ocr)), "the fixture really shows the name legibly", file: file, line: line)

        try assertNeverLegible(try export(cover, ocr: ocr), ocr: ocr, "the picture cover", file: file, line: line)
        // Put in unreviewed, the page is in the bundle: the name on it is still boxed.
        let included = try export(cover, ocr: ocr, includeUnreviewed: true)
        XCTAssertNotNil(included.reports.first { $0.documentID == "doc-pic" }?.firstPage, file: file, line: line)
        XCTAssertFalse(Self.showsName(try Self.ocrText(included.pdf, ocr: ocr)), "the cover put in unreviewed still shows the name", file: file, line: line)
    }

    func testAPictureCoverWithoutOCRIsLeftOutForReview() throws {
        let result = try export(try Self.coverPDF(), ocr: nil)
        let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-pic" })
        XCTAssertEqual(report.pagesFlagged, [1])
        XCTAssertEqual(report.pagesLeftOut, 1)
        XCTAssertNil(report.firstPage)
    }

    // MARK: A small picture of a name on a typed page

    /// Where the small picture goes on the typed page (points, top-left origin).
    static let stamp = Box(x: 330, y: 420, width: 120, height: 14)

    static func smallPicturePDF() throws -> [UInt8] {
        // The name in 8-point type pictured at 110 dpi, as a signature stamp or a letterhead logo is.
        let small = try picture(of: name, font: "DejaVu Sans 8", box: Box(x: 40, y: 40, width: stamp.width, height: stamp.height), dpi: 110)
        let composer = try PDFComposer(title: "letter")
        composer.beginPage(size: .a4)
        composer.text("Thank you for your letter about the care on Holt ward.\n\nWe have looked into each of the points you raised and we "
                      + "will write again before the meeting.\n\nYours sincerely,", style: TextStyle(font: "DejaVu Sans 11"), x: 60, y: 80, width: 470)
        composer.text("Witnessed by:", style: TextStyle(font: "DejaVu Sans 11"), x: 60, y: stamp.y, width: 200)
        composer.draw(small, in: stamp)
        return try composer.finish()
    }

    func testASmallPictureOfANameOnATypedPageIsBoxedOrLeftOut() throws {
        let ocr = try engine()
        let pdf = try Self.smallPicturePDF()
        let zoom = [Self.stamp.inset(by: -6)]
        XCTAssertFalse(try PDFSource(data: pdf).text(ofPage: 0).contains("Quenby"), "the name is only in the picture")
        XCTAssertTrue(Self.showsName(try Self.ocrText(pdf, ocr: ocr, zoom: zoom)), "the fixture really shows the name legibly when enlarged")
        let result = try export(pdf, ocr: ocr)
        try assertNeverLegible(result, ocr: ocr, zoom: zoom, "the small picture")
        let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-pic" })
        if report.pagesLeftOut == 0 {
            XCTAssertNotNil(report.firstPage)
            XCTAssertTrue(try Self.ocrText(result.pdf, ocr: ocr).contains("Holt ward"), "the typed text around the picture is kept")
        }
    }

    // MARK: A picture of a name with harmless text laid over it

    /// A picture of the name with `overlay` (a content-stream fragment) drawn over it, on a page with a typed
    /// line of its own.
    static func overlaidPDF(_ overlay: String) throws -> [UInt8] {
        let pictured = try picture(of: name, font: "DejaVu Sans 20", box: Box(x: 40, y: 40, width: 300, height: 30), dpi: 150)
        let image = RawPDF.Image(pictured, x: 72, y: 640, width: 300, height: 30)
        let content = "BT /F1 12 Tf 72 720 Td (Thank you for your letter about Holt ward.) Tj ET\n" + overlay
        return RawPDF.page(content: RawPDF.bytes(content), image: image)
    }

    func testInvisibleTextOverAPictureOfANameDoesNotExplainItsInk() throws {
        let ocr = try engine()
        let overlays = [
            "render mode 3": "BT 3 Tr /F1 20 Tf 76 648 Td (Thank you kindly, all well) Tj ET\n",
            "white": "BT 1 g /F1 20 Tf 76 648 Td (Thank you kindly, all well) Tj ET\n",
        ]
        var fixtures: [(String, [UInt8])] = []
        for (trick, overlay) in overlays.sorted(by: { $0.key < $1.key }) {
            let pdf = try Self.overlaidPDF(overlay)
            let text = try PDFSource(data: pdf).text(ofPage: 0)
            XCTAssertTrue(text.contains("Thank you kindly"), "\(trick): the harmless text is in the text layer: \(text)")
            XCTAssertFalse(text.contains("Quenby"), trick)
            XCTAssertTrue(Self.showsName(try Self.ocrText(pdf, ocr: ocr)), "\(trick): the fixture really shows the name")
            fixtures.append((trick, pdf))
        }
        try assertNeverLegible(each: fixtures, ocr: ocr)
    }

    /// Without OCR, a page whose text layer does not explain its ink (harmless invisible text over a name drawn
    /// as paths) cannot be read, so it is left out for a person to check, never put in as explained.
    func testWithoutOCRInvisibleTextOverANameDrawnAsPathsIsLeftOut() throws {
        let pictured = try Self.picture(of: Self.name, font: "DejaVu Sans 20", box: Box(x: 40, y: 40, width: 300, height: 30), dpi: 150)
        let content = "BT /F1 12 Tf 72 720 Td (Thank you for your letter about Holt ward.) Tj ET\n"
            + RawPDF.paths(of: pictured, x: 72, y: 640, width: 300, height: 30)
            + "BT 3 Tr /F1 20 Tf 76 648 Td (Thank you kindly, all well) Tj ET\n"
        let result = try export(RawPDF.page(content: RawPDF.bytes(content)), ocr: nil)
        let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-pic" })
        XCTAssertEqual(report.pagesFlagged, [1])
        XCTAssertEqual(report.pagesLeftOut, 1)
        // The same page without the drawing is explained by its text and goes in.
        let plain = try export(RawPDF.page(content: RawPDF.bytes("BT /F1 12 Tf 72 720 Td (Thank you for your letter about Holt ward.) Tj ET\n")),
                               ocr: nil)
        XCTAssertEqual(plain.reports.first { $0.documentID == "doc-pic" }?.pagesLeftOut, 0)
    }

    /// The same without any image: the name drawn as vector paths (no text, no picture), with harmless text laid
    /// over it that is invisible or white. The text layer must not be taken to explain the name's ink.
    func testInvisibleTextOverANameDrawnAsPathsDoesNotExplainItsInk() throws {
        let ocr = try engine()
        let pictured = try Self.picture(of: Self.name, font: "DejaVu Sans 20", box: Box(x: 40, y: 40, width: 300, height: 30), dpi: 150)
        let drawn = RawPDF.paths(of: pictured, x: 72, y: 640, width: 300, height: 30)
        let cases = [
            "paths alone": "",
            "paths under render mode 3": "BT 3 Tr /F1 20 Tf 76 648 Td (Thank you kindly, all well) Tj ET\n",
            "paths under white text": "BT 1 g /F1 20 Tf 76 648 Td (Thank you kindly, all well) Tj ET\n",
            "paths under text clipped away": "q 0 0 1 1 re W n BT /F1 20 Tf 76 648 Td (Thank you kindly, all well) Tj ET Q\n",
        ]
        var fixtures: [(String, [UInt8])] = []
        for (trick, overlay) in cases.sorted(by: { $0.key < $1.key }) {
            let content = "BT /F1 12 Tf 72 720 Td (Thank you for your letter about Holt ward.) Tj ET\n" + drawn + overlay
            let pdf = RawPDF.page(content: RawPDF.bytes(content))
            XCTAssertEqual(try PDFSource(data: pdf).imageAreas(ofPage: 0), [], "\(trick): no image on the page")
            XCTAssertTrue(Self.showsName(try Self.ocrText(pdf, ocr: ocr)), "\(trick): the fixture really shows the name")
            fixtures.append((trick, pdf))
        }
        try assertNeverLegible(each: fixtures, ocr: ocr)
    }
}
