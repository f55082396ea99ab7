import Foundation
import PDFRender

/// `casevault-bench bundle-corpus DIR [--quick]`: the documents of the bundle row, written for bench.py to
/// ingest and export. 50 documents making 100 pages: 20 two-page and 5 one-page letters, 10 emails, 10 PDFs of
/// 4 pages with a text layer, and 5 scanned pages (PNG, no text). Every one names the client, a neighbour
/// and identifiers, so the redactor and the leak check have real work.
enum BundleCorpus {
    static let paragraph = """
        On the evening of admission Bench Client waited four hours for pain relief on the ward. Her neighbour Peter Hart \
        (telephone 07700 900461) visited at 8pm and asked the nurse in charge twice. The discharge letter gives NHS number \
        999 000 0018 and says a care package was arranged, but nobody from the Trust contacted the family before she was \
        sent home by transport late at night. The complaint asks the Trust to explain the delay, the missing package and \
        what will change for other patients.
        """

    static func write(to directory: String, quick: Bool) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let counts = quick ? (longLetters: 1, shortLetters: 1, emails: 1, pdfs: 1, scans: 1) : (longLetters: 20, shortLetters: 5, emails: 10, pdfs: 10, scans: 5)
        var day = 0
        func date() -> String {
            day += 1
            return String(format: "2025-%02d-%02d", 1 + (day / 28) % 12, 1 + day % 28)
        }
        func save(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        for n in 0..<counts.longLetters {
            try save("\(date())-letter-\(n).txt", Array(letter(reference: "L\(n)", paragraphs: 10).utf8))
        }
        for n in 0..<counts.shortLetters {
            try save("\(date())-note-\(n).txt", Array(letter(reference: "N\(n)", paragraphs: 3).utf8))
        }
        for n in 0..<counts.emails {
            let email = """
                From: Peter Hart <peter.hart@example.org>
                To: PALS <pals@example.nhs.uk>
                Subject: Bench Client's discharge
                Date: Mon, 3 Mar 2025 10:0\(n % 10):00 +0000
                Content-Type: text/plain; charset=utf-8

                \(paragraph)

                \(paragraph)
                """
            try save("\(date())-email-\(n).eml", Array(email.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        }
        let style = TextStyle(font: "DejaVu Serif 11", lineSpacing: 1.2)
        for n in 0..<counts.pdfs {
            let composer = try PDFComposer(title: "Record \(n)")
            for page in 0..<(quick ? 2 : 4) {
                composer.beginPage(size: .a4)
                composer.text("Norfolk and Norwich University Hospitals NHS Foundation Trust — clinical record, page \(page + 1)\n\n"
                              + Array(repeating: paragraph, count: 5).joined(separator: "\n\n"), style: style, x: 60, y: 60, width: 475)
            }
            try save("\(date())-record-\(n).pdf", try composer.finish())
        }
        for n in 0..<counts.scans {
            let composer = try PDFComposer(title: "scan")
            composer.beginPage(size: .a4)
            composer.text("Statement \(n)\n\n" + Array(repeating: paragraph, count: 3).joined(separator: "\n\n"),
                          style: TextStyle(font: "DejaVu Serif 12", lineSpacing: 1.3), x: 60, y: 60, width: 475)
            try save("\(date())-scan-\(n).png", try PDFSource(data: try composer.finish()).render(page: 0, dpi: 150).pngData())
        }
    }

    static func letter(reference: String, paragraphs: Int) -> String {
        "Our reference \(reference)\n\nDear Complaints Manager,\n\n" + Array(repeating: paragraph, count: paragraphs).joined(separator: "\n\n") + "\n\nYours sincerely,\nBench Client\n"
    }
}
