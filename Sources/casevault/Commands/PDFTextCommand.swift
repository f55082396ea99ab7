import ArgumentParser
import BundleExport
import Foundation
import MeetingBundle
import PDFRender

extension CaseVault {
    /// `casevault __pdftext`: the child process that reads the text layer of one untrusted PDF, under the same limits
    /// as `__analyse`: the first page (at most 4 KiB) for ingest (its date and kind), or with `--all-pages` every page
    /// (at most 16 MiB) for search. The PDF arrives on stdin; the text leaves on stdout; a PDF that cannot be read
    /// gives no text.
    struct PDFTextCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__pdftext", abstract: "Internal: reads a PDF's first page text for ingest.",
                                                        shouldDisplay: false)
        @Option var cpuSeconds: Int
        @Option var memoryBytes: Int
        @Flag var allPages = false

        func run() throws {
            guard AnalyseCommand.confine(cpuSeconds: cpuSeconds, memoryBytes: memoryBytes) else { Foundation.exit(70) }
            var request = AnalyseCommand.readAll(from: 0)
            var text = ""
            if let source = try? PDFSource(data: request), source.pageCount > 0 {
                if allPages {
                    var bytes = 0
                    for page in 0..<source.pageCount where bytes < Self.searchTextLimit {
                        guard let pageText = try? source.text(ofPage: page) else { continue }
                        text += (page > 0 ? "\n\n" : "") + pageText
                        bytes += pageText.utf8.count
                    }
                } else if let first = try? source.text(ofPage: 0) {
                    text = String(first.prefix(4096))
                }
            }
            request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
            guard AnalyseCommand.writeAll(Array(text.utf8), to: 1) else { Foundation.exit(74) }
            Foundation.exit(0)
        }

        static let searchTextLimit = 16 << 20

        /// For `search`: every page's text through the child, or nil (no text layer, a limit broken, no child).
        static func allPages(_ pdf: [UInt8]) -> String? {
            let limits = AnalysisLimits(seconds: 30, memoryBytes: 1 << 30)
            guard let answer = try? ChildProcessAnalysis().run(pdf, limits: limits, command: "__pdftext", options: ["--all-pages"]),
                  !answer.isEmpty else { return nil }
            return String(decoding: answer, as: UTF8.self)
        }

        /// For `ingest`: the first page's text through the child, or nil (no text, a limit broken, no child).
        static func firstPage(_ pdf: [UInt8]) -> String? {
            let limits = AnalysisLimits(seconds: 15, memoryBytes: 1 << 30)
            guard let answer = try? ChildProcessAnalysis().run(pdf, limits: limits, command: "__pdftext"), !answer.isEmpty else { return nil }
            return String(decoding: answer, as: UTF8.self)
        }
    }
}
