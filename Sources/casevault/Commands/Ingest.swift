import ArgumentParser
import Consent
import Foundation
import VaultCrypto
import VaultStore
#if canImport(Glibc)
import Glibc
#endif

extension DocumentKind: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt files and folders into a case.",
        discussion: "Folders are read recursively; hidden files and symbolic links are skipped (and reported) unless asked. Exit code 2 when some inputs failed.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("case"), help: "The case id.") var caseID: String
    @Option(help: "The document kind for every file (else guessed): letter, email, reply, meeting_notes, evidence, consent_form, internal_note, authority_evidence, other.")
    var kind: DocumentKind?
    @Option(help: "The documents' own date, YYYY-MM-DD (else the email Date header, the letterhead's date, a PDF's creation date, a date in the file name, or the file time, marked as a guess).")
    var date: String?
    @Flag(help: "Store content already in the case again.") var allowDuplicate = false
    @Flag(help: "Include hidden files and folders.") var includeHidden = false
    @Flag(help: "Follow symbolic links.") var followSymlinks = false
    @Argument(help: "Files and folders.") var paths: [String]
    @OptionGroup var consent: ConsentOptions

    func run() throws {
        let vault = try global.openStore()
        defer { global.finish(vault) }
        let caseID = try vault.caseID(caseID)
        try ConsentGate.require(.ingestDocument, caseID: caseID, vault: vault, options: consent)
        let (files, skipped) = InputWalker(includeHidden: includeHidden, followSymlinks: followSymlinks).expand(paths)
        for skip in skipped { Terminal.printError("casevault: skipped \(skip.path): \(skip.reason)") }
        if skipped.contains(where: { $0.kind == .hidden }) {
            Terminal.printError("casevault: hint: add --include-hidden to ingest hidden files too")
        }
        if skipped.contains(where: { $0.kind == .symbolicLink }) {
            Terminal.printError("casevault: hint: add --follow-symlinks to ingest what the links point to")
        }
        let progress = Progress(total: files.count, enabled: isatty(STDERR_FILENO) == 1 && !global.json)
        let results = try vault.ingest(caseID: caseID, files: files,
                                       options: .init(kind: kind, date: date, allowDuplicate: allowDuplicate, actor: global.advocate,
                                                     pdfText: { PDFTextCommand.firstPage($0) }),
                                       progress: progress.update)
        progress.finish()
        var stored = 0, duplicates = 0, failed = 0, bytes: Int64 = 0
        var rows: [IngestRow] = []
        for result in results {
            switch result.outcome {
            case .stored(let id, let size):
                stored += 1
                bytes += size
                rows.append(IngestRow(id: id, path: result.file.path, status: "stored", duplicateOf: nil, error: nil, warning: result.warning))
                if !global.json { Terminal.printOut("\(id)  \(result.file.path)") }
                if let warning = result.warning {
                    Terminal.printError("casevault: warning: \(result.file.path): \(warning); ask the sender for the file they meant to send")
                }
            case .duplicate(let of):
                duplicates += 1
                rows.append(IngestRow(id: nil, path: result.file.path, status: "duplicate", duplicateOf: of, error: nil, warning: nil))
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

struct ListDocuments: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List documents, oldest first.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("case"), help: "Only this case.") var caseID: String?
    @Option(name: .customLong("kind"), help: ArgumentHelp("Only this kind (repeatable): \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                                                          valueName: "KIND")) var kinds: [String] = []
    @Option(help: ArgumentHelp("Only documents dated on or after this day.", valueName: "YYYY-MM-DD")) var from: String?
    @Option(help: ArgumentHelp("Only documents dated on or before this day.", valueName: "YYYY-MM-DD")) var to: String?
    @OptionGroup var consent: ConsentOptions

    func validate() throws {
        for kind in kinds where DocumentKind(rawValue: kind) == nil {
            throw ValidationError("--kind \(kind) is not a document kind; use one of: \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (flag, value) in [("--from", from), ("--to", to)] {
            if let value, (try? Validation.date(value, field: flag)) == nil { throw ValidationError("\(flag) must be a date written YYYY-MM-DD") }
        }
    }

    func run() throws {
        let filter = Vault.DocumentFilter(kinds: Set(kinds.compactMap(DocumentKind.init(rawValue:))), from: from, to: to)
        let (documents, references) = try global.withVault { vault in
            let documents: [Vault.DocumentView]
            if let caseID = try caseID.map({ try vault.caseID($0) }) {
                try ConsentGate.require(.viewDocuments, caseID: caseID, vault: vault, options: consent)
                documents = try vault.documents(caseID: caseID, filter: filter)
            } else {
                // Across cases: the vault lists only the cases the acting advocate may view (names are personal data too).
                vault.acknowledged = consent.rules
                documents = try vault.documents(caseID: nil, filter: filter)
            }
            return (documents, global.json ? [:] : try vault.caseReferences(Set(documents.map(\.caseID))))
        }
        if global.json { try global.emitJSON(documents); return }
        Terminal.printOut(Table.render(["ID", "CASE", "KIND", "DATE", "SIZE", "NAME"], documents.map {
            [$0.id, references[$0.caseID] ?? $0.caseID, $0.kind, $0.documentDate ?? "", String($0.size), $0.name]  // cells are escaped by Table
        }))
    }
}

struct ShowDocument: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a document's details (not its contents).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document id.") var id: String
    @OptionGroup var consent: ConsentOptions

    func run() throws {
        let document = try global.withVault { vault in
            try ConsentGate.require(.viewDocuments, caseID: try vault.caseID(ofDocument: id), vault: vault, options: consent, documentID: id)
            return try vault.document(id)
        }
        if global.json { try global.emitJSON(document); return }
        let lines: [(String, String?)] = [
            ("id", document.id), ("case", document.caseID), ("kind", document.kind), ("name", document.name),
            ("media type", document.mediaType), ("size", "\(document.size) bytes"),
            ("document date", document.documentDate.map { "\($0) (from \(document.documentDateSource))" }),
            ("ingested", document.ingestedAt + (document.ingestedBy.map { " by \($0)" } ?? "")),
            ("case key", "version \(document.caseKeyVersion)"), ("ciphertext", "SHA-256 \(document.ciphertextSHA256)"),
        ]
        Terminal.printFields(lines)
    }
}

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decrypt a document to stdout or to a file you name.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The document id.") var id: String
    @Option(name: .shortAndLong, help: "Write to this path (created only once the document has decrypted; '-' for stdout).") var output: String?
    @OptionGroup var consent: ConsentOptions

    func run() throws {
        // Checked here, not in validate(): the parser would wrap our error and print it as a Swift value.
        if output == nil && isatty(STDOUT_FILENO) == 1 {
            throw CLIError("refusing to output a document to the terminal", hints: ["write it to a file with -o PATH", "force anyway with \"-o -\""],
                           exitCode: ExitCode.validationFailure.rawValue)
        }
        let vault = try global.openStore()
        defer { global.finish(vault) }
        try ConsentGate.require(.viewDocuments, caseID: try vault.caseID(ofDocument: id), vault: vault, options: consent, documentID: id)
        guard let output, output != "-" else {
            var sink = FileDescriptorSink(fd: STDOUT_FILENO)
            try vault.decrypt(documentID: id, to: &sink)
            return
        }
        // A device (/dev/null) is written straight to: there is no file to leave half-written.
        if PrivateFiles.isCharacterDevice(output) {
            let fd = open(output, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw FileError.system(operation: "open", path: output, errno: errno) }
            defer { close(fd) }
            var sink = FileDescriptorSink(fd: fd)
            try vault.decrypt(documentID: id, to: &sink)
            return
        }
        // Decrypt into a temp file beside the target and rename only on success: a failure leaves no file.
        let directory = (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent
        let temporary = directory + "/.casevault-\(id).partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError.system(operation: "create", path: temporary, errno: errno) }
        do {
            defer { close(fd) }
            var sink = FileDescriptorSink(fd: fd)
            try vault.decrypt(documentID: id, to: &sink)
            guard fsync(fd) == 0 else { throw FileError.system(operation: "fsync", path: temporary, errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard link(temporary, output) == 0 else {
            let code = errno
            unlink(temporary)
            if code == EEXIST { throw CLIError("\(output) already exists", hints: ["choose another path; casevault does not overwrite files"]) }
            throw FileError.system(operation: "create", path: output, errno: code)
        }
        unlink(temporary)
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the vault: database, keys, fields, blobs, hashes, commitments (and every chunk with --read-data).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Decrypt every chunk of every document.") var readData = false
    @Flag(help: "Move orphaned blobs and temp files to quarantine/ (never deletes).") var repair = false

    func run() throws {
        let report = try global.withVault { try $0.verify(readData: readData, repair: repair) }
        if global.json {
            try global.emitJSON(report)
        } else {
            for problem in report.problems { Terminal.printOut("PROBLEM \(problem.kind) \(problem.id): \(problem.message)") }
            for orphan in report.orphans { Terminal.printOut("ORPHAN \(orphan)\(report.quarantined.contains(orphan) ? " (moved to quarantine/)" : "")") }
            Terminal.printOut("\(report.documentsChecked) documents, \(report.wrappedKeysChecked) wrapped keys, \(report.fieldsChecked) records checked"
                              + (readData ? ", \(report.bytesDecrypted) bytes decrypted" : "") + ": "
                              + (report.ok ? "no problems" : "\(report.problems.count) problem(s)")
                              + (report.orphans.isEmpty ? "" : ", \(report.orphans.count) orphan(s)"))
        }
        if report.problems.contains(where: { $0.kind == "state" }) {
            Terminal.printError("casevault: hint: records were changed in vault.db without casevault (each PROBLEM state line names one);"
                                + " do not keep working in this vault: restore the newest backup made before the change with 'casevault restore',"
                                + " and find out who could write to the vault folder")
        }
        if !report.ok { throw ExitCode.failure }
        if !report.orphans.isEmpty && !repair {
            Terminal.printError("casevault: hint: orphans are left by interrupted writes; 'casevault verify --repair' moves them to quarantine/")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make a consistent, still-encrypted copy of the vault.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "An absent or empty folder.") var destination: String
    @Flag(help: "Also copy the key file (then the backup alone can be decrypted with the passphrase).") var includeKeys = false

    func run() throws {
        if includeKeys {
            Terminal.printError("casevault: warning: the backup includes the key file; whoever holds it needs only the passphrase")
        }
        let report = try global.withVault { try $0.backup(to: destination, includeKeyFile: includeKeys) }
        if global.json { try global.emitJSON(report) } else {
            Terminal.printOut("Backed up \(report.documents) documents (\(report.bytes) bytes) to \(destination)")
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restore a backup into a new vault folder (--vault).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup folder.") var source: String

    func run() throws {
        let count = try Vault.restore(from: source, to: global.paths)
        // Record the restore in the restored vault's own audit log when its key file is at hand.
        if (try? PrivateFiles.status(global.paths.keyFile)) != nil {
            // The restored vault is older than the one last used, by design: this computer's mark moves to it.
            try global.withVault(acceptOlderState: .restore) { vault in
                try vault.audit(vault.event("vault.restore", details: ["documents": String(count)]))
            }
        } else {
            Terminal.printError("casevault: note: no key file at \(global.paths.keyFile) yet; the restore is not in the audit log until the vault is opened with its key file")
            Terminal.printError("casevault: note: if this computer used a newer state of this vault, the first command needs --accept-older-state REASON")
        }
        if global.json { try global.emitJSON(["vault": global.paths.root, "documents": String(count)]) } else {
            Terminal.printOut("Restored \(count) documents into \(global.paths.root); run 'casevault verify --read-data' to check it")
        }
    }
}
