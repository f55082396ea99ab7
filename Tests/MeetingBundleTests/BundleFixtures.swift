import CPoppler
import Foundation
import MeetingBundle
import PDFRender
import Redaction
import XCTest

/// Real PDFs made in the test with cairo (and poppler, for the annotation), carrying known personal data in
/// every place a PDF can hide it.
enum BundleFixtures {
    static let thirdParty = KnownPerson(id: "per-neighbour", role: .thirdParty, fullName: "Bartholomew Quenby",
                                        addresses: ["14 Larkspur Close, Wymondham"], identifiers: ["943 476 5919"])
    static let client = KnownPerson(id: "per-client", role: .client, fullName: "Margery Thistlewood", identifiers: ["01603 777123"])
    static let staff = KnownPerson(id: "per-nurse", role: .staff, fullName: "Priya Ramanathan")
    static let trust = "Norfolk and Norwich University Hospitals"
    static var context: RedactionContext { RedactionContext(people: [thirdParty, client, staff], allowList: [trust]) }

    static let letter = """
        Dear Complaints Manager,

        I write about the care my mother received at \(trust) on Holt ward. Her neighbour Bartholomew Quenby \
        (NHS number 943 476 5919) saw what happened. Staff nurse Priya Ramanathan was kind throughout.
        Please reply to me on 01603 777123.
        """

    /// A PDF whose only page is text in its text layer, with the third party's name as its author and in a
    /// text annotation.
    static func textLayerPDF(in directory: URL) throws -> [UInt8] {
        let composer = try PDFComposer(title: "Discharge summary for Bartholomew Quenby")
        composer.beginPage(size: .a4)
        composer.text("DISCHARGE SUMMARY\n\(trust)\nPatient contact: Bartholomew Quenby, 14 Larkspur Close, Wymondham.\nSeen by Priya Ramanathan.",
                      style: TextStyle(font: "DejaVu Sans 12"), x: 60, y: 80, width: 470)
        let plain = try composer.finish()
        return try annotate(plain, contents: "Call Bartholomew Quenby back", in: directory)
    }

    /// A PDF whose page is only a picture of text (as a scanner makes).
    static func scannedPDF() throws -> [UInt8] {
        let typed = try PDFComposer(title: "scan")
        typed.beginPage(size: .a4)
        typed.text("\(trust)\n\nStatement of Bartholomew Quenby\n\nI live at 14 Larkspur Close, Wymondham.", style: TextStyle(font: "DejaVu Sans 16"),
                   x: 60, y: 80, width: 470)
        let picture = try PDFSource(data: try typed.finish()).render(page: 0, dpi: 200)
        let scan = try PDFComposer(title: "scan")
        scan.beginPage(size: .a4)
        scan.draw(picture, in: Box(x: 0, y: 0, width: PageSize.a4.width, height: PageSize.a4.height))
        return try scan.finish()
    }

    /// A typed page (with a text layer naming the third party) that also carries a picture of their name:
    /// the text is found and boxed, the picture is not read at source, so only the leak check can catch it.
    static func mixedPDF() throws -> [UInt8] {
        let typed = try PDFComposer(title: "picture")
        typed.beginPage(size: .a4)
        typed.text("Signed for and on behalf of Bartholomew Quenby", style: TextStyle(font: "DejaVu Sans 18"), x: 40, y: 40, width: 520)
        let picture = try PDFSource(data: try typed.finish()).render(page: 0, dpi: 150)
        let page = try PDFComposer(title: "mixed")
        page.beginPage(size: .a4)
        page.text("Letter from Bartholomew Quenby about the ward.", style: TextStyle(font: "DejaVu Sans 12"), x: 60, y: 60, width: 470)
        page.draw(picture, in: Box(x: 0, y: 300, width: PageSize.a4.width, height: PageSize.a4.height))
        return try page.finish()
    }

    static func annotate(_ pdf: [UInt8], contents: String, in directory: URL) throws -> [UInt8] {
        let input = directory.appendingPathComponent("plain-\(UUID().uuidString).pdf")
        let output = directory.appendingPathComponent("annotated-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: input)
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_file(input.absoluteString, nil, &error) else {
            throw XCTSkip("poppler could not reopen the test PDF")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        let page = poppler_document_get_page(document, 0)
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var rect = PopplerRectangle(x1: 400, y1: 700, x2: 420, y2: 720)
        let annotation = poppler_annot_text_new(document, &rect)
        poppler_annot_set_contents(annotation, contents)
        poppler_page_add_annot(page, annotation)
        g_object_unref(UnsafeMutableRawPointer(annotation))
        guard poppler_document_save(document, output.absoluteString, &error) != 0 else {
            XCTFail("poppler could not save the annotated PDF")
            return pdf
        }
        return Array(try Data(contentsOf: output))
    }

    static func source(_ id: String, name: String, mediaType: String, date: String?, bytes: [UInt8]) -> BundleSource {
        BundleSource(documentID: id, name: name, mediaType: mediaType, documentDate: date, ingestedAt: "2026-11-01T10:00:00Z",
                     ciphertextSHA256: String(repeating: "ab", count: 32), plaintext: bytes)
    }

    static func request(policy: RedactionPolicy = .standard, includeUnreviewed: Bool = false) -> BundleRequest {
        BundleRequest(vaultID: "vault-test", caseID: "C-0001", bundleID: "bun-test", clientName: client.fullName,
                      meeting: "Local resolution meeting", recipientID: "trust-nnuh", recipientName: trust, preparedBy: "Advocate A (adv-1)",
                      creatorID: "adv-1", date: "25 November 2026", created: "2026-11-25T09:00:00Z", context: context, policy: policy,
                      includeUnreviewed: includeUnreviewed)
    }
}
