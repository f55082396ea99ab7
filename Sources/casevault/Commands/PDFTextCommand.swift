import ArgumentParser
import Foundation
import MeetingBundle
import PDFRender

/// `casevault __pdftext`: the child process that reads the first page's text of one untrusted PDF for ingest
/// (its date and kind), under the same limits as `__analyse`. The PDF arrives on stdin; the text (at most 4 KiB)
/// leaves on stdout; a PDF that cannot be read gives no text, and ingest goes on to the next evidence.
struct PDFTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "__pdftext", abstract: "Internal: reads a PDF's first page text for ingest.",
                                                    shouldDisplay: false)
    @Option var cpuSeconds: Int
    @Option var memoryBytes: Int

    func run() throws {
        guard AnalyseCommand.confine(cpuSeconds: cpuSeconds, memoryBytes: memoryBytes) else { Foundation.exit(70) }
        var request = AnalyseCommand.readAll(from: 0)
        var text = ""
        if let source = try? PDFSource(data: request), source.pageCount > 0, let first = try? source.text(ofPage: 0) {
            text = String(first.prefix(4096))
        }
        request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
        guard AnalyseCommand.writeAll(Array(text.utf8), to: 1) else { Foundation.exit(74) }
        Foundation.exit(0)
    }

    /// For `ingest`: the first page's text through the child, or nil (no text, a limit broken, no child).
    static func firstPage(_ pdf: [UInt8]) -> String? {
        let limits = AnalysisLimits(seconds: 15, memoryBytes: 1 << 30)
        guard let answer = try? ChildProcessAnalysis().run(pdf, limits: limits, command: "__pdftext"), !answer.isEmpty else { return nil }
        return String(decoding: answer, as: UTF8.self)
    }
}
