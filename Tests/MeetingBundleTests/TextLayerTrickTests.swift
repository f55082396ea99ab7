import Foundation
import MeetingBundle
import PDFRender
import Redaction
import VaultCrypto
import XCTest

/// A registered name in a PDF's text layer, drawn so that poppler's word breaks split it (issue 15, PDF pages):
/// shown in pieces, with gaps or character spacing between glyphs, with a soft hyphen or a ligature glyph inside.
/// Each page is written byte by byte with the standard Helvetica font; each must come out of the bundle with the
/// name boxed and the words around it still legible.
final class TextLayerTrickTests: XCTestCase {
    static let ligatureName = KnownPerson(id: "per-fiona", role: .thirdParty, fullName: "Fiona Griffiths")

    static var request: BundleRequest {
        var request = BundleFixtures.request()
        request.context.people.append(ligatureName)
        return request
    }

    /// One line of 14-point Helvetica at the top of the page: `show` is the text-showing part of the stream.
    static func page(_ show: String, state: String = "") -> [UInt8] {
        RawPDF.page(content: RawPDF.bytes("BT /F1 14 Tf \(state) 72 720 Td \(show) ET\n"))
    }

    static let tricks: [(String, [UInt8])] = [
        ("shown in pieces", page("(Visited by Bartho) Tj (lomew Quen) Tj (by today.) Tj")),
        ("pieces with small gaps (TJ)", page("[(Visited by Pet) -60 (er Bartho) -120 (lomew Quen) -150 (by today.)] TJ")),
        ("pieces placed apart (Td)", page("(Visited by Bartho) Tj 107.5 0 Td (lomew Quenby today.) Tj")),
        ("character spacing 1.5 (Tc)", page("(Visited by Bartholomew Quenby today.) Tj", state: "1.5 Tc")),
        ("character spacing 4 (Tc)", page("(Visited by Bartholomew Quenby today.) Tj", state: "4 Tc 8 Tw")),
        ("letter by letter", page("[(Visited by ) (B) -300 (A) -300 (R) -300 (T) -300 (H) -300 (O) -300 (L) -300 (O) -300 (M) -300 (E) -300 (W) -900 "
                                  + "(Q) -300 (U) -300 (E) -300 (N) -300 (B) -300 (Y) ( today.)] TJ")),
        ("soft hyphen glyph", page("(Visited by Bartholomew Quen\u{81}by today.) Tj")),
        ("WinAnsi soft hyphen byte", page("(Visited by Bartholo\u{AD}mew Quenby today.) Tj")),
        ("horizontal scaling", page("(Visited by Bartholomew Quenby today.) Tj", state: "60 Tz")),
        ("ligature glyph", page("(Visited by Fiona Grif\u{80}ths today.) Tj")),
    ]

    func testANameSplitInTheTextLayerIsStillRedacted() throws {
        // Without tesseract the redaction counts are still checked; the bundle is read back only with it.
        let ocr = OCREngine.make(environment: [:])
        if ocr == nil { print("TextLayerTrickTests: tesseract's English model is not installed (make test installs it): bundle pages are not read back") }
        // Every trick is a document of one bundle, each checked on its own pages (the manifest's page range): the cover
        // and the index are drawn and read back once, not once per trick (a bundle per trick read 30 pages, not 12:
        // about 120 s of make test).
        let sources = Self.tricks.enumerated().map { index, trick in
            BundleFixtures.source("doc-trick-\(index)", name: "visit.pdf", mediaType: "application/pdf", date: "2026-01-05", bytes: trick.1)
        }
        let result: BundleExporter.Result
        do {
            result = try BundleExporter(request: Self.request, sources: sources, ocr: ocr).export(signingKey: try Ed25519.PrivateKey.generate())
        } catch {
            // The leak check refusing the bundle is safe, but the redaction itself should have found the name.
            return XCTFail("export refused (\(error))")
        }
        let matcher = Redactor(context: Self.request.context)
        func legible(_ read: String) -> Bool {
            matcher.spans(in: read).contains(where: { $0.detectorID == .knownPerson && $0.personRole == .thirdParty })
                || ["Quenby", "Bartholomew", "Griffiths"].contains(where: { read.localizedCaseInsensitiveContains($0) })
        }
        var leaked: [String] = [], documentPages: Set<Int> = []
        for (index, (trick, _)) in Self.tricks.enumerated() {
            let report = try XCTUnwrap(result.reports.first { $0.documentID == "doc-trick-\(index)" }, trick)
            if (report.redactions["person_name"] ?? 0) < 1 { leaked.append("\(trick): nothing redacted \(report.redactions)") }
            guard let ocr else { continue }
            let item = try XCTUnwrap(result.manifest.items.first { $0.documentID == "doc-trick-\(index)" }, trick)
            let pages = Array(try XCTUnwrap(item.firstPage, trick) - 1..<(try XCTUnwrap(item.lastPage, trick)))
            documentPages.formUnion(pages)
            let read = try PictureLeakTests.ocrText(result.pdf, ocr: ocr, pages: pages)
            if legible(read) { leaked.append("\(trick): legible in the bundle") }
            // (OCR of the word just after a box is unreliable: the word before it is the check.)
            XCTAssertTrue(read.contains("Visited by"), "\(trick): the words around the name are kept: \(read)")
        }
        if let ocr {
            let others = (0..<result.pages).filter { !documentPages.contains($0) }
            XCTAssertEqual(others.count, 2, "the cover and the index")
            if legible(try PictureLeakTests.ocrText(result.pdf, ocr: ocr, pages: others)) { leaked.append("the cover or the index: legible") }
        }
        XCTAssertEqual(leaked, [], "names that leaked through a text-layer trick")
    }

    /// The fixtures do what they say: poppler's own text has the name split or altered for most tricks. (poppler
    /// itself joins pieces shown without a gap, small character spacing and horizontal scaling, and expands the
    /// "ﬁ" ligature; those tricks stay as checks that boxes follow the glyphs.)
    func testTheTricksReallySplitTheNameInPopplersText() throws {
        var whole: [String] = []
        for (trick, pdf) in Self.tricks {
            let text = try PDFSource(data: pdf).text(ofPage: 0)
            XCTAssertTrue(text.contains("Visited"), "\(trick): \(text)")
            if text.contains("Bartholomew Quenby") || text.contains("Fiona Griffiths") { whole.append(trick) }
        }
        XCTAssertEqual(whole, ["shown in pieces", "character spacing 1.5 (Tc)", "horizontal scaling", "ligature glyph"])
    }
}
