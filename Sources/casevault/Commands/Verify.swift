import ArgumentParser
import Foundation
import VaultStore

extension CaseVault {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check the vault: database, keys, fields, blobs, hashes, commitments (and every chunk with --read-data).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Decrypt every chunk of every document.") var readData = false
        @Flag(help: "Move orphaned blobs and temp files to quarantine/ (never deletes).") var repair = false
        /// For measuring (BENCHMARKS.md): 0 checks every blob on the calling thread, as before issue 24.
        @Option(help: .hidden) var blobWorkers: Int?

        func run() throws {
            let report = try global.withVault { try $0.verify(readData: readData, repair: repair, blobWorkers: blobWorkers) }
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
}
