@testable import MeetingBundle
import Foundation
import PDFRender
import Redaction
import VaultCrypto
import XCTest

/// The boundary between the exporter and the process that reads untrusted files: what crosses it arrives
/// unchanged, anything damaged is refused, and a document whose reading breaks a limit is left out (or stops
/// the export when it was asked for by name). The child process itself is tested through the CLI.
final class AnalysisBoundaryTests: XCTestCase {
    private func job(_ bytes: [UInt8], keepRasters: Bool) -> AnalysisJob {
        AnalysisJob(image: false, dpi: 150, ocr: false, ocrEveryPage: false, keepRasters: keepRasters, document: bytes)
    }

    func testAPageCrossesTheBoundaryUnchanged() throws {
        let pdf = try BundleFixtures.textLayerPDF(in: FileManager.default.temporaryDirectory)
        let answer = DocumentAnalysis.respond(to: AnalysisWire.encodeRequest(job(pdf, keepRasters: true)))
        guard case .pages(let pages) = try AnalysisWire.decodeAnswer(answer) else { return XCTFail("no pages") }
        let direct = try PageReader(ocr: false, dpi: 150, ocrEveryPage: false, keepRasters: true, pool: OCRPool()).readPages(of: pdf)
        XCTAssertEqual(pages.count, 1)
        let page = try XCTUnwrap(pages.first), expected = try XCTUnwrap(direct.first)
        XCTAssertEqual(page.readings, expected.readings)
        XCTAssertFalse(page.readings.flatMap { $0 }.isEmpty, "the text layer's words came across")
        XCTAssertEqual(page.visibleWords, expected.visibleWords)
        XCTAssertEqual(page.size, expected.size)
        XCTAssertEqual(page.explained, expected.explained)
        let raster = try XCTUnwrap(page.raster)
        XCTAssertEqual(raster.pixelBytes(), try XCTUnwrap(expected.raster).pixelBytes(), "the rendered page arrives pixel for pixel")
        XCTAssertEqual(raster.dpi, 150)
    }

    func testATruncatedOrPaddedAnswerIsRefused() throws {
        let pdf = try BundleFixtures.textLayerPDF(in: FileManager.default.temporaryDirectory)
        let answer = DocumentAnalysis.respond(to: AnalysisWire.encodeRequest(job(pdf, keepRasters: false)))
        XCTAssertNoThrow(try AnalysisWire.decodeAnswer(answer))
        for length in 0..<answer.count {
            XCTAssertThrowsError(try AnalysisWire.decodeAnswer(Array(answer[0..<length])), "cut at \(length)")
        }
        XCTAssertThrowsError(try AnalysisWire.decodeAnswer(answer + [0]))
    }

    func testAnUnreadablePDFComesBackAsItsError() throws {
        let answer = DocumentAnalysis.respond(to: AnalysisWire.encodeRequest(job(Array("%PDF-1.4 nonsense".utf8), keepRasters: true)))
        guard case .pdfError(.unreadablePDF)? = try? AnalysisWire.decodeAnswer(answer) else { return XCTFail("the PDF error is passed on") }
    }

    /// Stands in for a child process that broke a limit, or whose answer was damaged on the way.
    struct Breaking: DocumentAnalysisRunner {
        var breach: AnalysisLimitBreach?
        func run(_ request: [UInt8], limits: AnalysisLimits) throws -> [UInt8] {
            if let breach { throw breach }
            return Array(DocumentAnalysis.respond(to: request).dropLast())
        }
    }

    func testADocumentBeyondALimitIsLeftOutUnlessItWasAskedForByName() throws {
        let letter = BundleFixtures.source("doc-letter", name: "letter.txt", mediaType: "text/plain", date: "2026-02-10", bytes: Array(BundleFixtures.letter.utf8))
        let pdf = BundleFixtures.source("doc-pdf", name: "x.pdf", mediaType: "application/pdf", date: "2026-02-11",
                                        bytes: try BundleFixtures.textLayerPDF(in: FileManager.default.temporaryDirectory))
        for (runner, limit) in [(Breaking(breach: .time(seconds: 60)), "within 60 s"), (Breaking(breach: nil), "safely (the reader's answer was refused")] {
            let plan = try BundleExporter(request: BundleFixtures.request(), sources: [letter, pdf], ocr: nil, runner: runner).plan()
            XCTAssertEqual(plan.reports.map(\.documentID), ["doc-letter"])
            XCTAssertEqual(plan.leftOut.count, 1)
            XCTAssertTrue(plan.leftOut.first?.description.hasPrefix("document doc-pdf could not be analysed \(limit)") ?? false, "\(plan.leftOut)")
            let result = try BundleExporter(request: BundleFixtures.request(), sources: [letter, pdf], ocr: nil, runner: runner)
                .export(signingKey: try Ed25519.PrivateKey.generate())
            XCTAssertEqual(result.manifest.items.map(\.documentID), ["doc-letter"], "the bundle is made of the rest")

            var named = BundleFixtures.request()
            named.stopAtAnalysisLimit = true
            XCTAssertThrowsError(try BundleExporter(request: named, sources: [letter, pdf], ocr: nil, runner: runner).plan()) {
                guard case .analysisLimit(let id, _)? = $0 as? BundleError else { return XCTFail("\($0)") }
                XCTAssertEqual(id, "doc-pdf")
            }
        }
    }
}
