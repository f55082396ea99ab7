import ArgumentParser
import Foundation
import HelperProcess
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Encrypt files and folders into a case.",
            discussion: "Folders are read recursively; hidden files and symbolic links are skipped (and reported) unless asked. Exit code 2 when some inputs failed.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Option(help: "The document kind for every file (else guessed): letter, email, reply, meeting_notes, evidence, consent_form, internal_note, authority_evidence, other.")
        var kind: DocumentKind?
        @Option(help: "The documents' own date, YYYY-MM-DD (else the email Date header, the letterhead's date, a PDF's creation date, a date in the file name, or the file time, marked as a guess).")
        var date: String?
        @Flag(help: "Store content already in the case again.") var allowDuplicate = false
        @Flag(help: "Include hidden files and folders.") var includeHidden = false
        @Flag(help: "Follow symbolic links.") var followSymlinks = false
        @Argument(help: "Files and folders.") var paths: [String]
        @Option(help: .hidden) var encryptWorkers: Int?
        @OptionGroup var consent: ConsentOptions

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let vault = try global.openStore()
            defer { global.finish(vault) }
            let caseID = try vault.caseID(caseID)
            try ConsentGate.require(.ingestDocument, caseID: caseID, vault: vault, options: consent)
            let (files, skipped) = InputWalker(includeHidden: includeHidden, followSymlinks: followSymlinks).expand(paths)
            Self.report(skipped)
            // A PDF's first page is read (for its date and kind) by casevault-pdf: without it, PDFs are refused.
            let pdfHelper = try? PDFHelper()
            if pdfHelper == nil, files.contains(where: { $0.path.lowercased().hasSuffix(".pdf") }) {
                _ = try PDFHelper()  // throws, saying what is missing
            }
            let progress = Progress(total: files.count, enabled: isatty(STDERR_FILENO) == 1 && !global.json)
            var pdfText: (@Sendable ([UInt8]) -> String?)?
            if let pdfHelper { pdfText = { pdfHelper.firstPage($0) } }
            let results = try vault.ingest(caseID: caseID, files: files,
                                           options: .init(kind: kind, date: date, allowDuplicate: allowDuplicate, actor: global.advocate,
                                                         pdfText: pdfText, workers: encryptWorkers),
                                           progress: progress.update)
            progress.finish()
            var stored = 0, duplicates = 0, failed = 0, bytes: Int64 = 0
            var rows: [IngestRow] = []
            for result in results {
                switch result.outcome {
                case .stored(let id, let size):
                    stored += 1
                    bytes += size
                    rows.append(IngestRow(id: id.rawValue, path: result.file.path, status: "stored", duplicateOf: nil, error: nil, warning: result.warning))
                    if !global.json { Terminal.printOut("\(id)  \(result.file.path)") }
                    if let warning = result.warning {
                        Terminal.printError("casevault: warning: \(result.file.path): \(warning); ask the sender for the file they meant to send")
                    }
                case .duplicate(let of):
                    duplicates += 1
                    rows.append(IngestRow(id: nil, path: result.file.path, status: "duplicate", duplicateOf: of.rawValue, error: nil, warning: nil))
                    Terminal.printError("casevault: not stored \(result.file.path): same content as \(of) (use --allow-duplicate to store it again)")
                case .failed(let message):
                    failed += 1
                    rows.append(IngestRow(id: nil, path: result.file.path, status: "failed", duplicateOf: nil, error: message, warning: nil))
                    Terminal.printError("casevault: error: \(result.file.path): \(message)")
                }
            }
            if global.json { try global.emitJSON(rows) }
            Terminal.printError("casevault: \(stored) stored (\(bytes) bytes), \(duplicates) duplicate(s), \(failed) failed, \(skipped.count) skipped")
            if failed > 0 { throw ExitCode(stored > 0 ? 2 : 1) }
        }

        static func report(_ skipped: [InputWalker.Skipped]) {
            for skip in skipped { Terminal.printError("casevault: skipped \(skip.path): \(skip.reason)") }
            if skipped.contains(where: { $0.kind == .hidden }) {
                Terminal.printError("casevault: hint: add --include-hidden to ingest hidden files too")
            }
            if skipped.contains(where: { $0.kind == .symbolicLink }) {
                Terminal.printError("casevault: hint: add --follow-symlinks to ingest what the links point to")
            }
        }

        struct IngestRow: Encodable {
            let id: String?
            let path: String
            let status: String
            let duplicateOf: String?
            let error: String?
            let warning: String?
            enum CodingKeys: String, CodingKey {
                case id, path, status, error, warning
                case duplicateOf = "duplicate_of"
            }
        }

        /// A one-line progress bar on stderr (files, bytes, rate, ETA), only on a terminal.
        final class Progress {
            let total: Int
            let enabled: Bool
            let start = Date()
            var last = Date.distantPast

            init(total: Int, enabled: Bool) {
                self.total = total
                self.enabled = enabled
            }

            func update(_ done: Int, _ bytes: Int64) {
                guard enabled, Date().timeIntervalSince(last) > 0.1 || done == total else { return }
                last = Date()
                let elapsed = max(Date().timeIntervalSince(start), 0.001)
                let rate = Double(bytes) / elapsed / 1e6
                let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
                FileHandle.standardError.write(Data(String(format: "\r%d/%d files, %.1f MB, %.1f MB/s, ETA %.0fs   ", done, total,
                                                           Double(bytes) / 1e6, rate, eta).utf8))
            }

            func finish() {
                if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
            }
        }
    }
}
