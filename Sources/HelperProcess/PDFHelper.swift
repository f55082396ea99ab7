import BundleModel
import Foundation

/// casevault's side of `casevault-pdf`: every piece of PDF work, each in a child process of that program.
public struct PDFHelper: Sendable {
    public let program: String

    /// Finds `casevault-pdf` beside the running program.
    public init() throws {
        program = try HelperProgram.pdf.locate()
    }

    /// A `casevault-pdf` at a path of the caller's (a server configured with one).
    public init(program: String) {
        self.program = program
    }

    /// For `ingest`: the first page's text, read in a confined child, or nil (no text, a limit broken, no child).
    public func firstPage(_ pdf: [UInt8]) -> String? {
        let limits = AnalysisLimits(seconds: 15, memoryBytes: 1 << 30)
        guard let answer = try? ChildProcessAnalysis(program: program).run(pdf, limits: limits, command: "__pdftext"), !answer.isEmpty else { return nil }
        return String(decoding: answer, as: UTF8.self)
    }

    /// For `search`: every page's text (at most 16 MiB) through a confined child, or nil (no text layer, a limit
    /// broken, no child).
    public func allPages(_ pdf: [UInt8]) -> String? {
        let limits = AnalysisLimits(seconds: 30, memoryBytes: 1 << 30)
        guard let answer = try? ChildProcessAnalysis(program: program).run(pdf, limits: limits, command: "__pdftext", options: ["--all-pages"]),
              !answer.isEmpty else { return nil }
        return String(decoding: answer, as: UTF8.self)
    }

    /// For `export`: the bundle made (or planned) by `casevault-pdf __bundle`, whose own confined children read
    /// each PDF and image. Throws the `BundleError` or `BundleJobFailure` it reported, or `AnalysisLimitBreach`
    /// when the helper itself stopped without an answer.
    public func bundle(_ job: BundleJob) throws -> BundleOutcome {
        var request = try job.encoded()
        defer { request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } } }
        let answer = try ChildProcessAnalysis(program: program).runUnlimited(request, command: "__bundle", passing: ["CASEVAULT_OCR"])
        let decoded: BundleJobAnswer
        do {
            decoded = try BundleJobAnswer.decode(answer)
        } catch {
            throw BundleJobFailure.failed("casevault-pdf's answer was not well formed")
        }
        switch decoded {
        case .done(let outcome): return outcome
        case .failed(.bundle(let error)): throw error
        case .failed(let failure): throw failure
        }
    }
}
