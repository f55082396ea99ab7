import Consent
import Foundation
import HelperProcess
import Hummingbird
import NIOCore
import VaultCrypto
import VaultCore

struct PageImage: Sendable {
    let number: Int
    let count: Int
}

struct PagesPage: Sendable {
    let id: String
    let caseID: String
    let caseLabel: String
    let name: String
    let query: String
    let pages: [PageImage]
    let note: String?
}

/// A PDF's pages as pictures, drawn on the server by `casevault-pdf __pagepng` (poppler, in a confined child with
/// limits, as every untrusted PDF is read): the CSP allows images from this server only, and no PDF reader runs in
/// the browser. Every picture is a read of the document, consent asked and `document.read` recorded by the core.
enum WebPDFPages {
    /// More pages than this are left to the download: each picture is a decryption and a child process.
    static let maxPages = 30

    static func helper(_ program: String?) throws -> PDFHelper {
        try program.map(PDFHelper.init(program:)) ?? PDFHelper()
    }

    /// The document's bytes, read as `cat` reads them (consent first, the read audited), if it is a PDF small enough.
    static func pdf(_ vault: Vault, documentID: String, acknowledged: [RuleID]) throws -> (Vault.DocumentView, String, [UInt8]) {
        vault.acknowledged = acknowledged
        let caseID = try vault.caseID(ofDocument: DocumentID(documentID))
        try vault.requireConsent(.viewDocuments, caseID: caseID, documentID: DocumentID(documentID))
        let document = try vault.document(DocumentID(documentID))
        guard document.mediaType == "application/pdf" else {
            throw WebPageError(.notFound, "This document is not a PDF, so it has no pages to show as pictures. Go back to the document.")
        }
        guard document.size <= WebPageBuilders.maxReadableBytes else {
            throw WebPageError(.notFound, "This PDF is too large to show here. Use Download on the document's page to open it on this computer.")
        }
        return (document, caseID.rawValue, try vault.plaintext(documentID: DocumentID(documentID)))
    }

    static func pagesPage(_ vault: Vault, documentID: String, acknowledged: [RuleID], program: String?) throws -> PagesPage {
        var (document, caseID, bytes) = try pdf(vault, documentID: documentID, acknowledged: acknowledged)
        defer { secureZero(&bytes) }
        let count = try helper(program).page(bytes, index: 0)?.pageCount ?? 0
        let shown = min(count, maxPages)
        let note: String? = count == 0 ? "The pages of this PDF could not be drawn. Use Download on the document's page to open it on this computer."
            : count > shown ? "The first \(shown) of \(count) pages are shown. Use Download to read the rest." : nil
        return PagesPage(id: documentID, caseID: caseID, caseLabel: DisplayText.escaped(try vault.caseDetail(CaseID(caseID)).clientName),
                         name: DisplayText.escaped(document.name), query: WebUploadBuilders.query(acknowledged),
                         pages: shown == 0 ? [] : (1...shown).map { PageImage(number: $0, count: count) }, note: note)
    }

    /// One page's PNG (page numbers from 1).
    static func picture(_ vault: Vault, documentID: String, page: Int, acknowledged: [RuleID], program: String?) throws -> [UInt8] {
        guard (1...maxPages).contains(page) else { throw WebPageError(.notFound, "There is no such page to show.") }
        var (_, _, bytes) = try pdf(vault, documentID: documentID, acknowledged: acknowledged)
        defer { secureZero(&bytes) }
        guard let png = try helper(program).page(bytes, index: page - 1)?.png, !png.isEmpty else {
            throw WebPageError(.notFound, "That page could not be drawn.")
        }
        return png
    }

    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        let program = web.backend.pdfProgram
        router.get("/documents/{id}/pages") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let acknowledged = WebHandlers<Backend>.acknowledgementList(request)
                return try await web.page(request, template: "pages", title: "Pages") {
                    try pagesPage($0, documentID: id, acknowledged: acknowledged, program: program)
                }
            }
        }
        router.get("/documents/{id}/pages/{page}") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                guard let page = Int(try context.parameters.require("page")) else { throw WebPageError(.notFound, "There is no such page to show.") }
                let acknowledged = WebHandlers<Backend>.acknowledgementList(request)
                let png = try await web.backend.withVault(token: try web.sessionToken(request)) {
                    try picture($0, documentID: id, page: page, acknowledged: acknowledged, program: program)
                }
                return WebHTTP.secure(Response(status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: png))))
            }
        }
    }

    static let template = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}{{query}}">{{caseLabel}}</a> › <a href="/documents/{{id}}{{query}}">{{name}}</a></p>
    <h1>Pages of {{name}}</h1>
    {{#note}}<p class="notice">{{note}}</p>{{/note}}
    {{#pages}}<figure class="pdf-page"><img src="/documents/{{id}}/pages/{{number}}{{query}}" alt="Page {{number}} of {{count}}: a picture of the page. Download the PDF to read its text."><figcaption>Page {{number}} of {{count}}</figcaption></figure>{{/pages}}
    {{/page}}{{/main}}{{/layout}}
    """
}
