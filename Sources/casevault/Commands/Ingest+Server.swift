import ArgumentParser
import Foundation
import VaultClient
import VaultCore

extension CaseVault.Ingest {
    /// `ingest` over the team server: each file streamed to the upload route, reported as the local command reports it.
    /// A refusal, an ended session or a lost server stops the command (the first file's refusal stores nothing, as the
    /// local consent gate refuses before any file); a file the server cannot take (a bad name, over its size limit)
    /// is reported and the others go on. The server reads no PDF's text, so a PDF's date and kind come from its name.
    func runOnServer(_ target: ServerTarget) throws {
        let (files, skipped) = InputWalker(includeHidden: includeHidden, followSymlinks: followSymlinks).expand(paths)
        Self.report(skipped)
        let options = VaultAPI.Upload(kind: kind?.rawValue, date: date, allowDuplicate: allowDuplicate, acknowledging: consent.acknowledged)
        var stored = 0, duplicates = 0, failed = 0, bytes: Int64 = 0
        var rows: [IngestRow] = []
        for file in files {
            let name = (file.path as NSString).lastPathComponent
            do {
                let uploaded = try target.api.upload(caseID: caseID, path: file.path, name: name, options: options)
                if uploaded.status == "duplicate", let of = uploaded.duplicateOf {
                    duplicates += 1
                    rows.append(IngestRow(id: nil, path: file.path, status: "duplicate", duplicateOf: of, error: nil, warning: nil))
                    Terminal.printError("casevault: not stored \(file.path): same content as \(of) (use --allow-duplicate to store it again)")
                } else {
                    stored += 1
                    bytes += uploaded.size ?? 0
                    rows.append(IngestRow(id: uploaded.id, path: file.path, status: "stored", duplicateOf: nil, error: nil, warning: uploaded.warning))
                    if !global.json { Terminal.printOut("\(uploaded.id ?? "-")  \(file.path)") }
                    if let warning = uploaded.warning {
                        Terminal.printError("casevault: warning: \(file.path): \(warning); ask the sender for the file they meant to send")
                    }
                }
            } catch let error as ClientError where error.isAboutOneFile {
                failed += 1
                rows.append(IngestRow(id: nil, path: file.path, status: "failed", duplicateOf: nil, error: error.description, warning: nil))
                Terminal.printError("casevault: error: \(file.path): \(error.description)")
            }
        }
        if global.json { try global.emitJSON(rows) }
        Terminal.printError("casevault: \(stored) stored (\(bytes) bytes), \(duplicates) duplicate(s), \(failed) failed, \(skipped.count) skipped")
        if failed > 0 { throw ExitCode(stored > 0 ? 2 : 1) }
    }
}

extension ClientError {
    /// What stops one file, not the command: the server could not take it (a bad name, over its size limit, a format
    /// it refuses), or the local file could not be read.
    var isAboutOneFile: Bool {
        switch self {
        case .failed(let failure): [400, 413, 415, 422].contains(failure.status)
        case .localFile: true
        default: false
        }
    }
}
