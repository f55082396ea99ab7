import ArgumentParser
import Foundation
import VaultClient
import VaultCore

extension CaseVault {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check the vault: database, keys, fields, blobs, hashes, commitments (and every chunk with --read-data).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Decrypt every chunk of every document.") var readData = false
        @Flag(help: "Move orphaned blobs and temp files to quarantine/ (never deletes).") var repair = false
        /// For measuring (BENCHMARKS.md): 0 checks every blob on the calling thread, as before issue 24.
        @Option(help: .hidden) var blobWorkers: Int?

        func run() throws {
            let report: Vault.VerifyReport
            if let target = try global.serverTarget() {
                report = try reportFromServer(target)
            } else {
                report = try global.withVault { try $0.verify(readData: readData, repair: repair, blobWorkers: blobWorkers) }
            }
            try show(report)
        }

        /// The report, made here or by the server, printed the same way; exit 1 when a problem was found.
        func show(_ report: Vault.VerifyReport) throws {
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

extension CaseVault.Verify {
    /// `verify` over the team server: the core there checks the vault it serves (its database, its folder of bodies)
    /// as the session's account, and records the check in its audit log; `--repair` moves files on the server's disk,
    /// which is an administrator's job there.
    func reportFromServer(_ target: ServerTarget) throws -> Vault.VerifyReport {
        guard !repair else {
            throw CLIError("--repair is not available over the server: it moves files in the server's vault folder",
                           hints: ["ask the server's administrator to run 'casevault verify --repair' on the server's vault"])
        }
        do {
            return try JSONDecoder().decode(Vault.VerifyReport.self, from: Data(try target.api.verifyVault(readData: readData)))
        } catch is DecodingError {
            throw ClientError.unexpectedResponse(server: target.server, detail: "not the JSON the API document describes")
        }
    }
}
