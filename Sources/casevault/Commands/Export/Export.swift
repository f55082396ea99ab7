import ArgumentParser
import BundleExport
import Consent
import Foundation
import BundleModel
import HelperProcess
import Redaction
import VaultCrypto
import VaultCore

extension CaseVault {
    /// `casevault export`: the redacted meeting bundle, its signed manifest, and the redaction log in the vault.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Make the redacted meeting bundle: one PDF with a cover, an index and page numbers, and a signed manifest beside it.",
            discussion: """
                By default only the complaint correspondence and evidence go in (letters, emails, replies, evidence); meeting \
                notes, internal notes, consent forms and evidence of authority only with --include-kind or --docs. --dry-run \
                lists every document, in or out, and why. Documents go in date order (undated last). Text, .eml and .docx are typeset with redactions replaced before \
                layout; PDF pages and images are redrawn as pixels with black boxes, so nothing of the original file survives. \
                The finished PDF is read back (text, metadata, OCR of image pages) and refused if anything redacted is found. \
                Pages without text that OCR cannot read confidently are left out unless --include-unreviewed.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Option(help: "The meeting, as printed on the cover and every page (e.g. \"Local resolution meeting, 3 December 2026\").") var meeting: String
        @Option(name: .customLong("for"), help: ArgumentHelp("Who receives the bundle: the NHS body's organisation id, or a third party named in the consent.",
                                                            valueName: "ORG")) var recipient: String
        @Option(name: [.customLong("out"), .customShort("o")], help: ArgumentHelp("Where to write the PDF (the manifest goes beside it as PATH.manifest.json).", valueName: "PATH"))
        var output: String?
        @Option(name: .customLong("docs"), parsing: .upToNextOption,
                help: ArgumentHelp("Only these documents, of any kind (default: the case's letters, emails, replies and evidence).", valueName: "DOC-ID"))
        var documentIDs: [String] = []
        @Option(name: .customLong("include-kind"),
                help: ArgumentHelp("Also put in every document of this kind (meeting_notes, internal_note, consent_form, authority_evidence, other); repeatable.",
                                   valueName: "KIND")) var includeKinds: [DocumentKind] = []
        @Option(name: .customLong("our-reference"), help: ArgumentHelp("The service's reference, printed on the cover (default: the case id).", valueName: "REF"))
        var ourReference: String?
        @Option(name: .customLong("their-reference"), help: ArgumentHelp("The NHS body's (or recipient's) reference, printed on the cover.", valueName: "REF"))
        var theirReference: String?
        @Option(name: .customLong("recipient-name"), help: ArgumentHelp("The recipient's name for the cover (default: the registered organisation's name).", valueName: "NAME"))
        var recipientName: String?
        @Option(help: ArgumentHelp("A preset (trust-meeting, phso, third-party, default), a policy file, or clauses such as keep=postcode;redact-staff "
                                   + "(see docs/bundle-policies.md).", valueName: "POLICY")) var policy = "default"
        @Flag(help: "Put in pages that need a person to check them (no OCR, or OCR unsure); you have checked them.") var includeUnreviewed = false
        @Flag(help: "Read every page from a PDF or scan by OCR too, even where its text layer accounts for every mark (slower: about 0.6 s a page).")
        var ocrEveryPage = false
        @Option(name: .customLong("analysis-seconds"),
                help: ArgumentHelp("Time allowed to read each PDF or image (default 60, or $CASEVAULT_ANALYSIS_SECONDS); one that takes longer is left out, or stops the export if named with --docs.",
                                   valueName: "SECONDS")) var analysisSeconds: Double?
        @Option(name: .customLong("analysis-memory"),
                help: ArgumentHelp("Memory allowed to read each PDF or image, in MB (default 2048, or $CASEVAULT_ANALYSIS_MEMORY_MB).", valueName: "MB"))
        var analysisMemory: Int?
        @Flag(help: "Show what would be redacted per document, and the pages; write nothing.") var dryRun = false
        @Flag(help: "Print how long each document and page took to analyse (render, OCR), and the leak check, on stderr.") var verbose = false
        @Flag(help: "Replace PATH and its manifest if they exist.") var force = false
        @OptionGroup var consent: ConsentOptions

        func validate() throws {
            if !dryRun && output == nil { throw ValidationError("--out PATH is needed (or --dry-run)") }
            if ocrEveryPage && ProcessInfo.processInfo.environment["CASEVAULT_OCR"] == "off" {
                throw ValidationError("--ocr-every-page needs OCR, and CASEVAULT_OCR=off turns it off")
            }
            if meeting.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--meeting must not be empty") }
            do { _ = try PolicyOption.resolve(policy) } catch let error as CLIError { throw ValidationError(error.message) }
            for (option, value) in [("--our-reference", ourReference), ("--their-reference", theirReference), ("--recipient-name", recipientName)] {
                if let value, value.trimmingCharacters(in: .whitespaces).isEmpty || value.contains(where: { $0.isNewline }) {
                    throw ValidationError("\(option) must be one line of text")
                }
            }
            _ = try analysisLimits()
        }

        /// The options, else the environment (for tests and scripts), else the defaults.
        func analysisLimits() throws -> AnalysisLimits {
            let environment = ProcessInfo.processInfo.environment
            var limits = AnalysisLimits()
            if let seconds = analysisSeconds ?? environment["CASEVAULT_ANALYSIS_SECONDS"].map({ Double($0) ?? -1 }) {
                guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                    throw ValidationError("--analysis-seconds (or CASEVAULT_ANALYSIS_SECONDS) must be a number of seconds between 0 and 86400")
                }
                limits.seconds = seconds
            }
            if let megabytes = analysisMemory ?? environment["CASEVAULT_ANALYSIS_MEMORY_MB"].map({ Int($0) ?? -1 }) {
                guard megabytes >= 256, megabytes <= 1 << 20 else {
                    throw ValidationError("--analysis-memory (or CASEVAULT_ANALYSIS_MEMORY_MB) must be a number of MB from 256 up")
                }
                limits.memoryBytes = megabytes << 20
            }
            return limits
        }

        struct ExportOut: Encodable {
            let bundle: String?
            let path: String?
            let manifest: String?
            let pages: Int
            let dryRun: Bool
            let leftOut: [String]
            let documents: [DocumentReport]
            /// Every document of the case: in or out of the bundle, and why.
            let selection: [BundleSelection.Row]

            enum CodingKeys: String, CodingKey { case bundle, path, manifest, pages, documents, selection, dryRun = "dry_run", leftOut = "left_out" }
        }

        /// The use case is the core's (`CaseBundleExport`); this command parses, prints, and writes the files.
        mutating func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let redactionPolicy = try PolicyOption.resolve(policy)
            let vault = try global.openStore()
            defer { global.finish(vault) }
            var options = BundleExportOptions(meeting: meeting, recipient: recipient, policy: redactionPolicy, policyLabel: policy)
            options.documentIDs = documentIDs
            options.includeKinds = Set(includeKinds)
            options.ourReference = ourReference
            options.theirReference = theirReference
            options.recipientName = recipientName
            options.includeUnreviewed = includeUnreviewed
            options.ocrEveryPage = ocrEveryPage
            options.analysisLimits = try analysisLimits()
            vault.acknowledged = consent.rules
            // A reference works as well as the id; the consent rules are asked before anything else.
            let export = try CaseBundleExport(vault: vault, caseText: caseID, options: options)
            caseID = export.caseID.rawValue
            if !dryRun, let output { try checkDestination(output) }

            let selection = try export.select()
            let leftOut = selection.excluded.map { "\($0.document.id) (\($0.kind.map(BundleSelection.describe) ?? "unknown kind")) left out: \(BundleSelection.explain($0))" }
            if dryRun && !global.json {
                Terminal.printOut("Documents of case \(caseID):")
                for line in selection.lines() { Terminal.printOut("  " + line) }
            } else if !dryRun {
                for note in leftOut { Terminal.printError("casevault: note: \(note)") }
            }
            let sources: [BundleSource]
            do {
                sources = try export.loadDocuments(selection)
            } catch BundleExportError.documentNotInCase(let document, let caseID) {
                throw CLIError("document \(document) is not in case \(caseID); nothing was done", hints: ["'casevault list --case \(caseID)' lists its documents"])
            } catch BundleExportError.nothingSelected(let caseID) {
                throw CLIError("case \(caseID) has no document that goes into a bundle by default; nothing was done",
                               reasons: selection.excluded.prefix(5).map { "\($0.document.id): \(BundleSelection.explain($0))" },
                               hints: ["ingest the complaint letters, emails and evidence first (casevault ingest --case \(caseID) FILE…), "
                                       + "or choose documents with --docs or --include-kind"])
            }
            let (request, unregistered) = try export.request()
            if unregistered {
                Terminal.printError("casevault: note: \(recipient) is not a registered organisation, so the cover names it by its id; give its name with --recipient-name")
            }
            // The bundle is made by casevault-pdf (typesetting, drawing, the leak check), whose confined children
            // parse, draw and read by OCR each PDF and image; casevault itself links no PDF library.
            let helper = try PDFHelper()

            if dryRun {
                let plan = try warnWithoutOCR(try export.plan(request, sources: sources, helper: helper))
                let notes = Self.notes(plan.leftOut)
                for note in notes { Terminal.printError("casevault: note: \(note)") }
                if verbose { Self.printTimings(plan.timings, leakCheckSeconds: nil) }
                report(ExportOut(bundle: nil, path: nil, manifest: nil, pages: plan.pages, dryRun: true, leftOut: leftOut + notes, documents: plan.reports,
                                 selection: selection.rows))
                return
            }
            guard let output else { return }
            let manifestPath = output + ".manifest.json"
            var written = false
            let result: BundleOutcome
            do {
                result = try export.export(request, sources: sources, helper: helper) { result, manifest in
                    _ = warnWithoutOCR(result)
                    try write(pdf: result.pdf, manifest: manifest, to: output, manifestPath: manifestPath)
                    written = true
                }.result
            } catch {
                // Every bundle that exists is in the redaction log: without the log, the files go (a device is left alone).
                if written && !PrivateFiles.isCharacterDevice(output) {
                    unlink(output)
                    unlink(manifestPath)
                }
                throw error
            }
            let notes = Self.notes(result.leftOut)
            for note in notes { Terminal.printError("casevault: note: \(note)") }
            if verbose { Self.printTimings(result.timings, leakCheckSeconds: result.leakCheckSeconds) }
            report(ExportOut(bundle: request.bundleID, path: output, manifest: manifestPath, pages: result.pages, dryRun: false, leftOut: leftOut + notes,
                             documents: result.reports, selection: selection.rows))
        }

        /// The OCR warning, once casevault-pdf has said whether it could use OCR.
        @discardableResult
        private func warnWithoutOCR(_ outcome: BundleOutcome) -> BundleOutcome {
            if !outcome.ocrAvailable {
                // No advice to add --include-unreviewed here: it helps only when pages were left out, and the error
                // that says so (every page needs review) gives it.
                let pages = includeUnreviewed ? "pages without a text layer go in unchecked, as asked"
                    : "pages without a text layer are left out for a person to check"
                Terminal.printError("casevault: warning: OCR is not available (install tesseract-ocr-eng, or unset CASEVAULT_OCR=off): \(pages), and the leak check reads text layers only")
            }
            return outcome
        }

        /// Documents the exporter left out because reading them broke a limit, as notes naming each by id.
        static func notes(_ leftOut: [BundleError]) -> [String] {
            leftOut.map { "\($0.description); left out of the bundle" }
        }

        /// Checked before any document is decrypted, so a long export does not fail at the end for want of a folder.
        func checkDestination(_ output: String) throws {
            if PrivateFiles.isCharacterDevice(output) { return }  // /dev/null: written straight to, nothing to replace
            let folder = PrivateFiles.parentDirectory(of: output)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("the folder \(folder) does not exist; nothing was done", hints: ["create it first, or choose another --out"])
            }
            guard access(folder, W_OK) == 0 else {
                throw CLIError("the folder \(folder) is not writable; nothing was done", hints: ["choose another --out"])
            }
            if !force {
                for path in [output, output + ".manifest.json"] where FileManager.default.fileExists(atPath: path) {
                    throw CLIError("\(path) already exists; nothing was done", hints: ["choose another --out, or add --force to replace it"])
                }
            }
        }

        /// PDF first, then the manifest; both atomically. If the manifest cannot be written the PDF goes too, and
        /// the PDF is read back to check it is the one the manifest signs.
        private func write(pdf: [UInt8], manifest: BundleManifest, to output: String, manifestPath: String) throws {
            // A device (/dev/null) takes the PDF as it is; no manifest file can sit beside it (the log still records it).
            if PrivateFiles.isCharacterDevice(output) { return try PrivateFiles.writeToDevice(Data(pdf), path: output) }
            try PrivateFiles.atomicWrite(Data(pdf), to: output, replacing: force)
            do {
                try PrivateFiles.atomicWrite(Data(try manifest.fileBytes()), to: manifestPath, replacing: force)
                let written = Array(try PrivateFiles.read(output, limit: 4 << 30))
                guard try HashFunction.sha256.hash(written).hexString == manifest.pdfSHA256 else {
                    throw CLIError("the bundle read back from \(output) is not the one that was signed; it was removed", hints: ["check the disk and try again"])
                }
            } catch {
                unlink(output)
                unlink(manifestPath)
                throw error
            }
        }

        func report(_ out: ExportOut) {
            if global.json { try? global.emitJSON(out); return }
            let rows = out.documents.map { report -> [String] in
                let pages = report.firstPage.map { first in report.lastPage.map { $0 == first ? "\(first)" : "\(first)-\($0)" } ?? "\(first)" } ?? "left out"
                let counts = report.redactions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let flagged = report.pagesFlagged.isEmpty ? "" : "page(s) \(report.pagesFlagged.map(String.init).joined(separator: ",")) need review"
                let title = report.title.count > 36 ? String(report.title.prefix(35)) + "…" : report.title
                return [String(report.tab), report.documentID, title, pages, counts.isEmpty ? "-" : counts, flagged]
            }
            Terminal.printOut(Table.render(["TAB", "DOCUMENT", "TITLE (REDACTED)", "PAGES", "REDACTED", "REVIEW"], rows))
            if out.dryRun {
                Terminal.printOut("Dry run: \(out.pages) pages; nothing was written.")
            } else if let path = out.path, let manifest = out.manifest, let bundle = out.bundle {
                Terminal.printOut("Wrote \(path) (\(out.pages) pages, bundle \(bundle)) and \(manifest)")
                Terminal.printOut("Check it any time with: casevault bundle verify \(path)")
            }
        }
    }
}
