import ArgumentParser
import Foundation
import VaultClient
import VaultCrypto
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault {
    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cat", abstract: "Decrypt a document to stdout or to a file you name.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: DocumentID
        @Option(name: .shortAndLong, help: "Write to this path (created only once the document has decrypted; '-' for stdout).") var output: String?
        @OptionGroup var consent: ConsentOptions
        @Option(help: .hidden) var decryptWorkers: Int?

        func run() throws {
            // Checked here, not in validate(): the parser would wrap our error and print it as a Swift value.
            if output == nil && isatty(STDOUT_FILENO) == 1 {
                throw CLIError("refusing to output a document to the terminal", hints: ["write it to a file with -o PATH", "force anyway with \"-o -\""],
                               exitCode: ExitCode.validationFailure.rawValue)
            }
            if let target = try global.serverTarget() {
                // Over the server the consent gate is the server's, asked before any byte is sent.
                try deliver { sink in
                    try target.api.content(documentID: id.rawValue, acknowledging: consent.acknowledged) { try sink.write($0) }
                }
                return
            }
            let vault = try global.openStore()
            defer { global.finish(vault) }
            vault.decryptWorkers = decryptWorkers
            try ConsentGate.require(.viewDocuments, caseID: try vault.caseID(ofDocument: id), vault: vault, options: consent, documentID: id)
            try deliver { sink in try vault.decrypt(documentID: id, to: &sink) }
        }

        /// Writes the document where it was asked for: stdout, a device, or a new file that appears only once the whole
        /// document has arrived (a temp file beside it, fsync, link), so a failure part-way leaves no file.
        private func deliver(_ produce: (inout FileDescriptorSink) throws -> Void) throws {
            guard let output, output != "-" else {
                var sink = FileDescriptorSink(fd: STDOUT_FILENO)
                try produce(&sink)
                return
            }
            // A device (/dev/null) is written straight to: there is no file to leave half-written.
            if PrivateFiles.isCharacterDevice(output) {
                let fd = open(output, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                guard fd >= 0 else { throw FileError.system(operation: "open", path: output, errno: errno) }
                defer { close(fd) }
                var sink = FileDescriptorSink(fd: fd)
                try produce(&sink)
                return
            }
            let directory = PrivateFiles.parentDirectory(of: output)
            let temporary = directory + "/.casevault-\(id).partial"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw FileError.system(operation: "create", path: temporary, errno: errno) }
            do {
                defer { close(fd) }
                var sink = FileDescriptorSink(fd: fd)
                try produce(&sink)
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
}
