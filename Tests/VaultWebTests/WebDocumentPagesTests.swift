import Foundation
import Hummingbird
import NIOCore
import Redaction
import VaultCore
import XCTest
@testable import VaultWeb

/// The upload and redaction preview pages: labelled fields, escaped values (markup, quotes, direction controls),
/// and the upload form's reader (token first, files into memory, limits).
final class WebDocumentPagesTests: XCTestCase {
    /// Markup, both quotes, an ampersand, a right-to-left override and a bell.
    static let hostile = "<script>window.__xss=1</script> O'Brien & \"Sons\" \u{202E}gnp.exe\u{202C}\u{07}"

    func testThePreviewShowsAHostileNameAsText() throws {
        let s = Self.hostile
        let text = "Dear Ms Hart, " + s + " met you."
        let start = "Dear Ms Hart, ".utf8.count
        let spans = [RedactionSpan(start: start, end: start + s.utf8.count, kind: .unregisteredName, detector: .titledName)]
        let page = PreviewPage(id: "doc-1", caseID: "case-1", caseLabel: DisplayText.escaped(s), name: DisplayText.escaped(s), notice: nil, acknowledged: "R-CON-9", query: "?acknowledge=R-CON-9",
                               bidiControls: TextHazards.hasBidiControls(text), total: 1, counts: [CountRow(kind: "unregistered name", count: 1)],
                               names: WebPreviewBuilders.foundNames(text, spans), roles: [RoleOption(value: "witness", label: "witness")],
                               segments: WebPreviewBuilders.segments(text, spans), unreadable: nil)
        XCTAssertEqual(page.names.map(\.name), ["<script>window.__xss=1</script> O'Brien & \"Sons\" gnp.exe"], "the form sends the name without controls")
        let html = try WebRenderer().render("preview", title: "Redaction preview", signedIn: true, formToken: "tok", page: page)
        XCTAssertFalse(html.contains("<script"), "a found name became markup")
        XCTAssertFalse(html.contains("O'Brien") || html.contains("\"Sons\""), "a quote is unescaped")
        XCTAssertFalse(html.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x07 }, "a control character reached the page")
        // Shown: escaped markup, and the controls written out for reading (in the text, the heading and the button).
        XCTAssertTrue(html.contains("&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot; \\u{202E}gnp.exe\\u{202C}\\u{7}"), html)
        XCTAssertTrue(html.contains("<mark>&lt;script&gt;"), "the span is not marked")
        XCTAssertTrue(html.contains("<span class=\"redaction-kind\"> [unregistered name]</span>"), "the kind is not said in words")
        XCTAssertTrue(html.contains("direction of text"), "the direction controls are not warned about")
        // The forms: CSRF token, labelled role, the name sent back as found (escaped in the attribute).
        XCTAssertTrue(html.contains("action=\"/documents/doc-1/redaction/people\"") && html.contains("action=\"/documents/doc-1/redaction/allow\""))
        XCTAssertEqual(html.components(separatedBy: "name=\"form_token\" value=\"tok\"").count - 1, 3, "sign-out, register and allow each carry the token")
        XCTAssertTrue(html.contains("<label for=\"role-1\">") && html.contains("<select id=\"role-1\" name=\"role\" required>"))
        XCTAssertTrue(html.contains("name=\"name\" value=\"&lt;script&gt;"))
        Self.assertEveryFieldHasALabel(html)
    }

    func testTheUploadPagesLabelEveryFieldAndNameDuplicates() throws {
        let renderer = try WebRenderer()
        let upload = renderer.render("upload", title: "Add documents", signedIn: true, formToken: "tok", page: UploadPage(
            caseID: "case-1", client: Self.hostile, query: "?acknowledge=R-CON-9", slots: (1...3).map(UploadSlot.init),
            kinds: WebUploadBuilders.kindOptions(selected: nil), limit: "100 MB"))
        Self.assertEveryFieldHasALabel(upload)
        XCTAssertTrue(upload.contains("action=\"/cases/case-1/upload?acknowledge=R-CON-9\" enctype=\"multipart/form-data\""))
        // The token is the form's first field: the reader checks it before reading any file.
        let form = try XCTUnwrap(upload.range(of: "enctype=\"multipart/form-data\">"))
        XCTAssertTrue(upload[form.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<input type=\"hidden\" name=\"form_token\" value=\"tok\">"))
        XCTAssertFalse(upload.contains("<script"))
        let s = Self.hostile
        let uploaded = renderer.render("uploaded", title: "Documents added", signedIn: true, formToken: "tok", page: UploadedPage(
            caseID: "case-1", client: s, query: "", acknowledged: "", summary: "1 stored, 1 already in the case.",
            stored: [StoredRow(id: "doc-1", name: s, kinds: WebUploadBuilders.kindOptions(selected: "letter"), date: "2025-03-01",
                               dateSource: "Date taken from: user", warning: s)],
            duplicates: [DuplicateRow(name: "copy.txt", existingID: "doc-1", existingName: s)], failed: [FailedRow(name: s, reason: "the file is empty.")]))
        Self.assertEveryFieldHasALabel(uploaded)
        XCTAssertFalse(uploaded.contains("<script") || uploaded.contains("O'Brien"))
        XCTAssertTrue(uploaded.contains("<option value=\"letter\" selected>Letter</option>"), "the stored kind is not preselected")
        XCTAssertTrue(uploaded.contains("value=\"2025-03-01\""))
        XCTAssertTrue(uploaded.contains("copy.txt was not stored again: it has the same content as <a href=\"/documents/doc-1\">&lt;script&gt;"))
        XCTAssertTrue(uploaded.contains("action=\"/documents/doc-1/retag\""))
    }

    /// Every input (but hidden ones), select and textarea has an id and a `<label for>` naming it.
    static func assertEveryFieldHasALabel(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let fields = html.components(separatedBy: "<").dropFirst().filter {
            ($0.hasPrefix("input ") && !$0.contains("type=\"hidden\"")) || $0.hasPrefix("select ") || $0.hasPrefix("textarea ")
        }
        XCTAssertFalse(fields.isEmpty, file: file, line: line)
        for field in fields {
            guard let range = field.range(of: "id=\"") else { XCTFail("a field has no id: <\(field.prefix(60))", file: file, line: line); continue }
            let id = field[range.upperBound...].prefix { $0 != "\"" }
            XCTAssertTrue(html.contains("<label for=\"\(id)\">"), "field \(id) has no label", file: file, line: line)
        }
    }

    // MARK: - The form reader

    static func body(_ parts: [(name: String, filename: String?, content: String)], boundary: String = "xYz") -> ByteBuffer {
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { text += "; filename=\"\(filename)\"\r\nContent-Type: text/plain" }
            text += "\r\n\r\n\(part.content)\r\n"
        }
        return ByteBuffer(string: text + "--\(boundary)--\r\n")
    }

    func testTheReaderTakesTheTokenFirstAndEachFileIntoMemory() async throws {
        let reader = UploadFormReader(boundary: "xYz", maxBytes: 1 << 20) { $0 == "good" }
        defer { reader.close() }
        try await reader.read(RequestBody(buffer: Self.body([
            ("form_token", nil, "good"), ("file_1", "a.txt", "first letter"), ("kind_1", nil, "letter"), ("date_1", nil, "2025-03-01"),
            ("file_2", "", ""), ("file_3", "Report %22final%22.txt", "a report"),
        ])))
        XCTAssertEqual(reader.files.map(\.name), ["a.txt", "Report \"final\".txt"], "the empty slot is skipped")
        XCTAssertEqual(reader.files.map(\.field), ["file_1", "file_3"])
        XCTAssertEqual(reader.files.map(\.buffer.size), [12, 8])
        XCTAssertEqual(reader.fields["kind_1"], "letter")
        XCTAssertEqual(reader.fields["date_1"], "2025-03-01")
    }

    func testTheReaderRefusesAFormWithoutItsTokenFirstOrTooLarge() async throws {
        let cases: [(ByteBuffer, Int64, HTTPResponse.Status)] = [
            (Self.body([("form_token", nil, "bad"), ("file_1", "a.txt", "x")]), 1 << 20, .forbidden),
            (Self.body([("file_1", "a.txt", "x"), ("form_token", nil, "good")]), 1 << 20, .forbidden),
            (Self.body([("kind_1", nil, "letter")]), 1 << 20, .forbidden),
            (Self.body([("form_token", nil, "good"), ("file_1", "a.txt", String(repeating: "x", count: 4096))]), 1024, .contentTooLarge),
        ]
        for (index, (body, limit, status)) in cases.enumerated() {
            let reader = UploadFormReader(boundary: "xYz", maxBytes: limit) { $0 == "good" }
            defer { reader.close() }
            do {
                try await reader.read(RequestBody(buffer: body))
                XCTFail("form \(index) was accepted")
            } catch let error as WebPageError {
                XCTAssertEqual(error.status, status, "form \(index)")
                XCTAssertTrue(reader.files.isEmpty, "form \(index) kept a file")
            }
        }
    }

    func testARegisteredNameLosesItsTitle() {
        XCTAssertEqual(WebPreviewBuilders.withoutTitle("Dr Rupert Vance"), "Rupert Vance")
        XCTAssertEqual(WebPreviewBuilders.withoutTitle("Mrs. Hart"), "Hart")
        XCTAssertEqual(WebPreviewBuilders.withoutTitle("Drew Vance"), "Drew Vance")
        XCTAssertEqual(WebPreviewBuilders.withoutTitle("Dr"), "Dr")
    }

    func testContentDispositionParameters() {
        let header = "form-data; name=\"file_1\"; filename=\"O'Brien; notes.txt\""
        XCTAssertEqual(UploadFormReader.parameter("name", in: header), "file_1")
        XCTAssertEqual(UploadFormReader.parameter("filename", in: header), "O'Brien; notes.txt")
        XCTAssertEqual(UploadFormReader.parameter("name", in: "form-data; name=kind_2"), "kind_2")
        XCTAssertEqual(UploadFormReader.parameter("filename", in: "form-data; name=\"a\"; filename=\"line%0Abreak\""), "line\nbreak")
        XCTAssertNil(UploadFormReader.parameter("filename", in: "form-data; name=\"a\""))
    }

    func testNamesTheApiWouldRefuseAreReportedNotStored() throws {
        let buffer = try IngestBuffer()
        defer { buffer.close() }
        for name in ["a/b.txt", "a\\b.txt", "line\nbreak.txt", "", ".."] {
            XCTAssertNotNil(WebUploadBuilders.problem(UploadedFile(name: name, kind: "", date: "", buffer: buffer)), name)
        }
        XCTAssertNotNil(WebUploadBuilders.problem(UploadedFile(name: "a.txt", kind: "", date: "", buffer: buffer)), "an empty file")
        try Array("Dear Ms Hart".utf8).withUnsafeBytes { try buffer.append($0) }
        XCTAssertNil(WebUploadBuilders.problem(UploadedFile(name: "Letter from O'Brien.txt", kind: "letter", date: "2025-03-01", buffer: buffer)))
        XCTAssertNotNil(WebUploadBuilders.problem(UploadedFile(name: "a.txt", kind: "poem", date: "", buffer: buffer)))
        XCTAssertNotNil(WebUploadBuilders.problem(UploadedFile(name: "a.txt", kind: "", date: "1 March", buffer: buffer)))
    }
}
