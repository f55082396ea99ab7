import ArgumentParser
import DocumentText
import Foundation
import Redaction
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault.RedactCommand {
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Show a document with what would be redacted marked, and a count per kind.",
            discussion: "On a terminal the redacted parts are highlighted; otherwise they are replaced by [REDACTED:kind]. --json lists the spans (kind, offsets, detector) without the text.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: DocumentID
        @Option(help: ArgumentHelp("The same as export's: a preset (trust-meeting, phso, third-party, default), a policy file, or clauses "
                                   + "such as keep=postcode;redact-staff (see docs/bundle-policies.md).", valueName: "POLICY")) var policy = "default"
        @OptionGroup var consent: ConsentOptions

        struct SpanOut: Encodable {
            let kind: String
            let start: Int
            let end: Int
            let detector: String
            let personID: String?

            enum CodingKeys: String, CodingKey { case kind, start, end, detector, personID = "person_id" }
        }

        struct PreviewOut: Encodable {
            let document: String
            let policy: String
            let counts: [String: Int]
            let spans: [SpanOut]
            let bidiControls: Bool

            enum CodingKeys: String, CodingKey { case document, policy, counts, spans, bidiControls = "bidi_controls" }
        }

        func run() throws {
            // One reading of --policy for the preview and the export, so what is previewed is what a bundle redacts.
            let redactionPolicy = try PolicyOption.resolve(policy)
            let (text, spans) = try global.withVault { vault -> (String, [RedactionSpan]) in
                let caseID = try vault.caseID(ofDocument: id)
                try ConsentGate.require(.viewDocuments, caseID: caseID, vault: vault, options: consent, documentID: id)
                let document = try vault.document(id)
                guard let format = SourceFormat.guess(mediaType: document.mediaType, fileName: document.name) else {
                    throw CLIError("document \(id) is \(document.mediaType): it has no text to preview yet",
                                   hints: ["PDFs and scans are handled by the bundle export (OCR), which is not built yet"])
                }
                let extracted: ExtractedText
                do {
                    extracted = try TextExtractor.extract(data: Data(try vault.plaintext(documentID: id)), format: format)
                } catch let error as ExtractionError {
                    throw CLIError("document \(id) could not be read as \(format.rawValue): \(error.description)")
                }
                let text = extracted.renderedText
                let redactor = Redactor(context: try vault.redactionContext(caseID: caseID), policy: redactionPolicy)
                return (text, redactor.spans(in: text))
            }
            let counts = Dictionary(Redactor.counts(spans).map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
            if global.json {
                try global.emitJSON(PreviewOut(document: id.rawValue, policy: policy, counts: counts, spans: spans.map {
                    SpanOut(kind: $0.kind.rawValue, start: $0.start, end: $0.end, detector: $0.detector, personID: $0.personID)
                }, bidiControls: TextHazards.hasBidiControls(text)))
                return
            }
            if TextHazards.hasBidiControls(text) {
                Terminal.printError("casevault: warning: document \(id) contains bidirectional control characters: what a screen shows "
                    + "may be in a different order from the text; check the redactions carefully")
            }
            let onTerminal = isatty(STDOUT_FILENO) == 1
            // The document's own text is escaped piece by piece (an ESC[2J in it must not clear the screen);
            // only the highlighting around the redactions is ours.
            let bytes = Array(text.utf8)
            func piece(_ range: Range<Int>) -> String { Terminal.escaped(String(decoding: bytes[range], as: UTF8.self), keepingLineBreaks: true) }
            var out = ""
            var position = 0
            for span in spans {
                out += piece(position..<span.start)
                if onTerminal {
                    out += "\u{1B}[7m" + piece(span.start..<span.end) + "\u{1B}[27m\u{1B}[2m[\(span.kind.rawValue)]\u{1B}[22m"
                } else {
                    out += "[REDACTED:\(span.kind.rawValue)]"
                }
                position = span.end
            }
            out += piece(position..<bytes.count)
            Terminal.printVerbatim(out)
            let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Terminal.printError("casevault: \(spans.count) redaction(s)" + (summary.isEmpty ? "" : ": \(summary)"))
        }
    }
}
