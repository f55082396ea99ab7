import Foundation
import NIOHTTP1

/// The routes behind `consent record`, `export`, `bundle verify` and `verify` over the team server: transport only, as
/// the rest of `VaultAPI`. The core on the server decides; these return its answers or throw `ClientError`s.
extension VaultAPI {
    /// POST /api/v1/cases/{case}/consents with the JSON `consent record` builds; the reply's JSON (201).
    public func recordConsent(caseID: String, body: [UInt8]) throws -> [UInt8] {
        try json(.POST, "/api/v1/cases/\(Path.segment(caseID))/consents", body: body)
    }

    /// GET /api/v1/cases with the listing's filters (client, advocate, status, body), resolved by the server's core.
    public func cases(filters: [(String, String)]) throws -> [UInt8] {
        try json(.GET, "/api/v1/cases" + Path.query(filters))
    }

    /// What the export route says about the bundle it made, from its response's headers.
    public struct ExportedBundle: Sendable {
        public let bundleID: String
        public let pages: Int
        /// The signed manifest file's bytes (what the CLI writes as PDF.manifest.json).
        public let manifest: [UInt8]
        /// `{"documents": [DocumentReport], "left_out": [String]}`, when the server sent it.
        public let report: [UInt8]?
    }

    /// POST /api/v1/cases/{case}/bundles: the signed PDF piece by piece into `sink`, which is called only once the
    /// server said 201 and its headers carried a manifest. A body cut short throws after the pieces already given, so
    /// the caller must keep nothing it wrote (the manifest's SHA-256 would not match it anyway).
    public func exportBundle(caseID: String, body: [UInt8], acknowledging: [String],
                             into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> ExportedBundle {
        let response = try client.send(.POST, "/api/v1/cases/\(Path.segment(caseID))/bundles" + Path.query(acknowledging.map { ("acknowledge", $0) }),
                                       headers: try authorized() + [("Content-Type", "application/json")], body: .bytes(body))
        guard response.status == 201 else { throw failure(response.status, try response.bytes()) }
        guard let bundleID = response.header("X-Bundle-ID"), let encoded = response.header("X-Bundle-Manifest"),
              let manifest = Data(base64Encoded: encoded) else {
            throw ClientError.unexpectedResponse(server: server, detail: "a bundle without its manifest")
        }
        let report = response.header("X-Bundle-Report").flatMap { Data(base64Encoded: $0) }.map { Array($0) }
        try response.stream(sink)
        return ExportedBundle(bundleID: bundleID, pages: response.header("X-Bundle-Pages").flatMap { Int($0) } ?? 0,
                              manifest: Array(manifest), report: report)
    }

    /// POST /api/v1/cases/{case}/bundles/dry-run: the plan's JSON.
    public func bundlePlan(caseID: String, body: [UInt8], acknowledging: [String]) throws -> [UInt8] {
        try json(.POST, "/api/v1/cases/\(Path.segment(caseID))/bundles/dry-run" + Path.query(acknowledging.map { ("acknowledge", $0) }), body: body)
    }

    /// POST /api/v1/verify: the PDF streamed from `pdfPath` (constant memory), its manifest's bytes in the header.
    /// The reply's JSON when genuine; a copy that is not genuine is `.failed` with the error "not_genuine".
    public func verifyBundle(pdfPath: String, manifest: [UInt8]) throws -> [UInt8] {
        let fd = open(pdfPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ClientError.localFile(path: pdfPath, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw ClientError.localFile(path: pdfPath, reason: "not a regular file") }
        let response = try client.send(.POST, "/api/v1/verify",
                                       headers: try authorized() + [("X-Bundle-Manifest", Data(manifest).base64EncodedString()),
                                                                    ("Content-Type", "application/pdf")],
                                       body: .file(descriptor: fd, length: Int64(info.st_size), path: pdfPath))
        let bytes = try response.bytes()
        guard response.status == 200 else { throw failure(response.status, bytes) }
        return bytes
    }

    /// POST /api/v1/vault/verify: the vault's check, as `verify --json` prints its report.
    public func verifyVault(readData: Bool) throws -> [UInt8] {
        try json(.POST, "/api/v1/vault/verify", body: Array(try JSONEncoder().encode(["read_data": readData])))
    }
}
