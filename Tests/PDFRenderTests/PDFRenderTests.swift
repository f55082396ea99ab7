import PDFRender
import XCTest

final class PDFRenderTests: XCTestCase {
    private let body = TextStyle(font: "DejaVu Sans 14")

    /// A two-page PDF: typed text, then the same kind of text drawn only as pixels.
    private func samplePDF() throws -> [UInt8] {
        let composer = try PDFComposer(title: "Sample")
        composer.beginPage(size: .a4)
        composer.text("Letter about Jane Doe\nfrom the Norfolk hospital", style: body, x: 72, y: 72, width: 450)
        composer.link(Box(x: 72, y: 72, width: 200, height: 20), toPage: 2)
        composer.bookmark("Second page", toPage: 2)
        composer.beginPage(size: .a4)
        let picture = try Raster(width: 1240, height: 400, dpi: 150)
        composer.draw(picture, in: Box(x: 0, y: 0, width: 595, height: 192))
        return try composer.finish()
    }

    func testTextLayerWordsHaveBoxesWhereTheyWereDrawn() throws {
        let pdf = try PDFSource(data: try samplePDF())
        XCTAssertEqual(pdf.pageCount, 2)
        let words = try pdf.words(ofPage: 0)
        XCTAssertEqual(words.map(\.text), ["Letter", "about", "Jane", "Doe", "from", "the", "Norfolk", "hospital"])
        let jane = try XCTUnwrap(words.first { $0.text == "Jane" })
        XCTAssertGreaterThan(jane.box.x, 72)
        XCTAssertEqual(jane.box.y, 72, accuracy: 6)
        XCTAssertGreaterThan(jane.box.width, 20)
        let hospital = try XCTUnwrap(words.last)
        XCTAssertGreaterThan(hospital.box.y, jane.box.maxY - 1, "the second line is below the first")
        XCTAssertTrue(try pdf.text(ofPage: 1).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        XCTAssertEqual(try pdf.hiddenText().filter { $0.contains("Sample") }.count, 1, "the title is the only metadata we set")
    }

    func testRenderingAndBlackingOutRemovesInk() throws {
        let pdf = try PDFSource(data: try samplePDF())
        let page = try pdf.render(page: 0, dpi: 150)
        XCTAssertEqual(page.width, 1241)
        let before = page.inkCoverage()
        XCTAssertGreaterThan(before, 0.001)
        let scale = 150.0 / 72
        page.blackOut(try pdf.words(ofPage: 0).map { $0.box.scaled(by: scale) })
        XCTAssertGreaterThan(page.inkCoverage(), before * 3, "black boxes cover more than the glyphs did")
    }

    func testOCRReadsARenderedPage() throws {
        guard let ocr = OCREngine.make(environment: [:]) else {
            throw XCTSkip("tesseract's English model is not installed: OCR is not tested (make test installs it)")
        }
        let pdf = try PDFSource(data: try samplePDF())
        let page = try pdf.render(page: 0, dpi: 150)
        let result = ocr.recognize(page)
        XCTAssertTrue(result.words.map(\.text).contains("Norfolk"), "OCR read: \(result.words.map(\.text))")
        XCTAssertGreaterThan(result.meanConfidence, 60)
        XCTAssertNil(OCREngine.make(environment: ["CASEVAULT_OCR": "off"]))
    }

    func testDamagedAndEmptyInputsAreRefusedClearly() throws {
        XCTAssertThrowsError(try PDFSource(data: [])) { XCTAssertEqual($0 as? PDFError, .unreadablePDF(reason: "empty file")) }
        XCTAssertThrowsError(try PDFSource(data: Array("not a pdf".utf8)))
        XCTAssertThrowsError(try Raster(decodingImage: Array("not an image".utf8)))
        XCTAssertThrowsError(try Raster(width: 20_000, height: 20_000, dpi: 150)) {
            guard case .tooLarge = $0 as? PDFError else { return XCTFail("\($0)") }
        }
    }

    func testImagesDecodeToRasters() throws {
        let raster = try Raster(width: 300, height: 100, dpi: 150)
        raster.blackOut([Box(x: 10, y: 10, width: 100, height: 50)])
        let decoded = try Raster(decodingImage: raster.pngData())
        XCTAssertEqual(decoded.width, 300)
        XCTAssertEqual(decoded.height, 100)
        XCTAssertEqual(decoded.inkCoverage(), raster.inkCoverage(), accuracy: 0.0001)
    }

    func testTypesetTextBreaksIntoPages() throws {
        let composer = try PDFComposer(title: "Typeset")
        let text = (1...200).map { "Paragraph \($0) of a long letter." }.joined(separator: "\n")
        let typeset = composer.typeset(text, style: TextStyle(font: "DejaVu Serif 10.5"), highlighted: [0..<9], width: 450, pageHeight: 650)
        XCTAssertGreaterThan(typeset.pageCount, 3)
        for index in 0..<typeset.pageCount {
            composer.beginPage(size: .a4)
            composer.draw(typeset, page: index, x: 72, y: 72)
        }
        let pdf = try PDFSource(data: try composer.finish())
        XCTAssertEqual(pdf.pageCount, typeset.pageCount)
        let all = try (0..<pdf.pageCount).map { try pdf.text(ofPage: $0) }.joined(separator: "\n")
        for number in [1, 57, 123, 200] { XCTAssertTrue(all.contains("Paragraph \(number) of"), "paragraph \(number) present") }
    }
}
