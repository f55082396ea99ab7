import BundleModel
import Foundation
import VaultClient
import VaultCrypto
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault.Export {
    /// The bundle routes' body: this command's options, the policy as text (a policy file is read here).
    struct ServerBody: Encodable {
        let meeting: String
        let recipient: String
        let documents: [String]
        let includeKinds: [String]
        let ourReference, theirReference, recipientName: String?
        let policy: String
        let includeUnreviewed: Bool
        let ocrEveryPage: Bool

        enum CodingKeys: String, CodingKey {
            case meeting, recipient, documents, policy
            case includeKinds = "include_kinds", ourReference = "our_reference", theirReference = "their_reference"
            case recipientName = "recipient_name", includeUnreviewed = "include_unreviewed", ocrEveryPage = "ocr_every_page"
        }
    }

    /// The export's `X-Bundle-Report`, and the dry run's reply (which has the same fields and more).
    struct ServerReport: Decodable {
        let documents: [DocumentReport]
        let leftOut: [String]?
        let warnings: [String]?
        let pages: Int?
        enum CodingKeys: String, CodingKey { case documents, pages, warnings, leftOut = "left_out" }
    }

    /// `export` over the team server: the server's core makes, checks and signs the bundle and records it in the
    /// redaction log, as locally; this writes what arrives. The PDF is streamed to a temp file beside `--out` (constant
    /// memory), its SHA-256 checked against the signed manifest, fsync'd and renamed into place, then the manifest is
    /// written atomically beside it: a lost connection or a wrong hash leaves no file, a failed manifest takes the PDF
    /// away again.
    func runOnServer(_ target: ServerTarget) throws {
        guard analysisSeconds == nil, analysisMemory == nil else {
            throw CLIError("--analysis-seconds and --analysis-memory cannot be set over the server: its administrator sets the limits",
                           hints: ["run the export again without them"])
        }
        let body = Array(try JSONEncoder().encode(ServerBody(
            meeting: meeting, recipient: recipient, documents: documentIDs, includeKinds: includeKinds.map(\.rawValue), ourReference: ourReference,
            theirReference: theirReference, recipientName: recipientName, policy: try PolicyOption.text(policy), includeUnreviewed: includeUnreviewed,
            ocrEveryPage: ocrEveryPage)))
        if verbose { Terminal.printError("casevault: note: the server does not send its timings; --verbose shows nothing more over the server") }
        if dryRun {
            let plan = try JSONDecoder().decode(ServerReport.self, from: Data(try target.api.bundlePlan(caseID: caseID, body: body, acknowledging: consent.acknowledged)))
            for warning in plan.warnings ?? [] { Terminal.printError("casevault: note: \(warning)") }
            report(ExportOut(bundle: nil, path: nil, manifest: nil, pages: plan.pages ?? 0, dryRun: true, leftOut: [], documents: plan.documents, selection: []))
            return
        }
        guard let output else { return }
        try checkDestination(output)
        let hash = try StreamingHash(.sha256)
        var exported: VaultAPI.ExportedBundle?
        let download = { (fd: Int32) throws in
            var sink = FileDescriptorSink(fd: fd)
            exported = try target.api.exportBundle(caseID: caseID, body: body, acknowledging: consent.acknowledged) { piece in
                try hash.update(piece)
                try sink.write(piece)
            }
        }
        let manifestPath = output + ".manifest.json"
        if PrivateFiles.isCharacterDevice(output) {
            // /dev/null: written straight to; no manifest file can sit beside a device.
            let fd = open(output, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw FileError.system(operation: "open", path: output, errno: errno) }
            defer { close(fd) }
            try download(fd)
        } else {
            do {
                try PrivateFiles.atomicWrite(to: output, replacing: force) { fd, _ in
                    try download(fd)
                    // Checked before the file takes its name: a PDF the manifest does not sign is never kept.
                    guard let exported, let manifest = try? JSONDecoder().decode(BundleManifest.self, from: Data(exported.manifest)),
                          try hash.finalize().hexString == manifest.pdfSHA256 else {
                        throw CLIError("the bundle that arrived from \(target.server) is not the one its manifest signs; nothing was kept",
                                       hints: ["export it again; if this happens again, tell the server's administrator"])
                    }
                }
            } catch FileError.alreadyExists(let path) {
                throw CLIError("\(path) already exists; the bundle was made and logged on the server but not kept here",
                               hints: ["export it again with another --out, or add --force to replace it"])
            }
            do {
                try PrivateFiles.atomicWrite(Data(exported?.manifest ?? []), to: manifestPath, replacing: force)
            } catch {
                unlink(output)
                throw error
            }
        }
        guard let exported else { return }
        let made = exported.report.flatMap { try? JSONDecoder().decode(ServerReport.self, from: Data($0)) }
        let notes = made?.leftOut ?? []
        for note in notes { Terminal.printError("casevault: note: \(note); left out of the bundle") }
        report(ExportOut(bundle: exported.bundleID, path: output, manifest: PrivateFiles.isCharacterDevice(output) ? nil : manifestPath,
                         pages: exported.pages, dryRun: false, leftOut: notes, documents: made?.documents ?? [], selection: []))
    }
}
