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
        // Callers pass the temporary folder itself: both files went on piling up there, two per run.
        defer { for file in [input, output] { try? FileManager.default.removeItem(at: file) } }
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

/// What a PDF reader would offer: link targets on a page, and the bookmarks (outline). Read with poppler.
enum Navigation {
    static func withDocument<T>(_ pdf: [UInt8], _ body: (OpaquePointer) throws -> T) throws -> T {
        let bytes = pdf.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(bytes) }
        guard let document = poppler_document_new_from_bytes(bytes, nil, nil) else { throw XCTSkip("poppler could not open the bundle") }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        return try body(document)
    }

    /// 1-based target pages of the links on 1-based `page`.
    static func linkTargets(_ pdf: [UInt8], page: Int) throws -> [Int] {
        try withDocument(pdf) { document in
            let pageObject = poppler_document_get_page(document, Int32(page - 1))
            defer { g_object_unref(UnsafeMutableRawPointer(pageObject)) }
            let list = poppler_page_get_link_mapping(pageObject)
            defer { poppler_page_free_link_mapping(list) }
            var targets: [Int] = []
            var node = list
            while let current = node {
                if let mapping = current.pointee.data?.assumingMemoryBound(to: PopplerLinkMapping.self), let action = mapping.pointee.action,
                   action.pointee.type == POPPLER_ACTION_GOTO_DEST {
                    targets.append(Int(destinationPage(document, action.pointee.goto_dest.dest)))
                }
                node = current.pointee.next
            }
            return targets.sorted()
        }
    }

    private static func destinationPage(_ document: OpaquePointer, _ dest: UnsafeMutablePointer<PopplerDest>?) -> Int32 {
        guard let dest else { return -1 }
        if dest.pointee.type == POPPLER_DEST_NAMED, let named = poppler_document_find_dest(document, dest.pointee.named_dest) {
            defer { poppler_dest_free(named) }
            return named.pointee.page_num
        }
        return dest.pointee.page_num
    }

    /// Top-level bookmarks: title and 1-based target page.
    static func outline(_ pdf: [UInt8]) throws -> [(String, Int)] {
        try withDocument(pdf) { document in
            guard let iterator = poppler_index_iter_new(document) else { return [] }
            defer { poppler_index_iter_free(iterator) }
            var entries: [(String, Int)] = []
            repeat {
                guard let action = poppler_index_iter_get_action(iterator) else { continue }
                defer { poppler_action_free(action) }
                let title = action.pointee.any.title.map { String(cString: $0) } ?? ""
                let page = action.pointee.type == POPPLER_ACTION_GOTO_DEST ? Int(destinationPage(document, action.pointee.goto_dest.dest)) : -1
                entries.append((title, page))
            } while poppler_index_iter_next(iterator) != 0
            return entries
        }
    }
}
