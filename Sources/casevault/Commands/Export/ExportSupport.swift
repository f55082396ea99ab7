import Foundation
import BundleModel
import Redaction
import VaultCore

/// `--policy`: a preset name, a policy file, or clauses (as before presets existed).
enum PolicyOption {
    static func resolve(_ value: String) throws -> RedactionPolicy {
        let clauses = try Self.text(value)
        do {
            return try RedactionPolicy.parse(clauses)
        } catch {
            throw CLIError("--policy: \(error.description); nothing was done",
                           hints: ["presets: " + RedactionPolicy.Preset.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")],
                           exitCode: 64)
        }
    }

    /// The policy as text: a preset's name or clauses as given, or a policy file's contents (read here, so the server
    /// is sent the clauses, never a path on this computer).
    static func text(_ value: String) throws -> String {
        var text = value
        let isPreset = RedactionPolicy.Preset(rawValue: value.trimmingCharacters(in: .whitespaces)) != nil
        if !isPreset, !value.contains("="), value.contains("/") || value.hasSuffix(".policy") || FileManager.default.fileExists(atPath: value) {
            guard FileManager.default.fileExists(atPath: value) else {
                throw CLIError("there is no policy file at \(value); nothing was done",
                               hints: ["use a preset (\(RedactionPolicy.Preset.allCases.map(\.rawValue).joined(separator: ", "))) or the path of a policy file"])
            }
            guard let contents = String(validating: Array(try PrivateFiles.read(value, limit: 64 << 10)), as: UTF8.self) else {
                throw CLIError("the policy file \(value) is not text; nothing was done", hints: ["write it as in docs/bundle-policies.md"])
            }
            text = contents
        }
        return text
    }
}

extension CaseVault.Export {
    /// Seconds per document and per page (ids and numbers only, never content), for finding the slow pages.
    static func printTimings(_ timings: [DocumentTiming], leakCheckSeconds: Double?) {
        func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
        for document in timings {
            let pages = document.pages.isEmpty ? "typeset text" : document.pages.count == 1 ? "1 page" : "\(document.pages.count) pages"
            Terminal.printError("casevault: timing: \(document.documentID): \(seconds(document.seconds)) (\(pages))")
            for page in document.pages {
                let read = page.readByOCR ? ", read by OCR" : ""
                Terminal.printError("casevault: timing:   page \(page.page): \(seconds(page.seconds)) (render \(seconds(page.renderSeconds)), "
                                    + "OCR \(seconds(page.ocrSeconds))\(read))")
            }
        }
        let pageSeconds = timings.flatMap(\.pages).map(\.seconds).sorted()
        if !pageSeconds.isEmpty {
            let median = pageSeconds[pageSeconds.count / 2]
            let p95 = pageSeconds[min(pageSeconds.count - 1, Int((Double(pageSeconds.count) * 0.95).rounded(.up)) - 1)]
            Terminal.printError("casevault: timing: \(pageSeconds.count) page(s): median \(seconds(median)), p95 \(seconds(p95)) a page")
        }
        if let leakCheckSeconds { Terminal.printError("casevault: timing: leak check: \(seconds(leakCheckSeconds))") }
    }

}
