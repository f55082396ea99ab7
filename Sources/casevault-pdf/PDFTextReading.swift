import Foundation
import PDFRender

/// `__pdftext`: the text layer of one untrusted PDF: the first page (at most 4 KiB) for ingest (its date and
/// kind), or every page (at most 16 MiB) for search. A PDF that cannot be read gives no text.
enum PDFTextReading {
    static let searchTextLimit = 16 << 20

    static func text(of pdf: [UInt8], allPages: Bool) -> String {
        guard let source = try? PDFSource(data: pdf), source.pageCount > 0 else { return "" }
        if !allPages { return (try? source.text(ofPage: 0)).map { String($0.prefix(4096)) } ?? "" }
        var text = "", bytes = 0
        for page in 0..<source.pageCount where bytes < searchTextLimit {
            guard let pageText = try? source.text(ofPage: page) else { continue }
            text += (page > 0 ? "\n\n" : "") + pageText
            bytes += pageText.utf8.count
        }
        return text
    }
}
