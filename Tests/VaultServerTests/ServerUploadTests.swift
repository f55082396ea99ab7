import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// POST /api/v1/cases/{case}/documents over real HTTPS, on ServerAPITests' vault and server: the same core as
/// `casevault ingest`, a capped body streamed to a temp file that never outlives the request.
extension ServerAPITests {
    /// Uploads `data` (written to a file for curl) with the name header as given (already percent-encoded), the case's
    /// verbal-consent warning (R-CON-9) acknowledged as `ingest --acknowledge` would.
    func upload(_ w: ServerTestWorld, _ data: Data, name: String?, token: String, query: String = "", caseID: String? = nil,
                extra: [String] = []) async throws -> ServerTestWorld.Reply {
        let file = w.directory.appendingPathComponent("upload-\(UUID().uuidString)")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var options = ["--data-binary", "@" + file.path, "-H", "Content-Type: application/octet-stream"] + extra
        if let name { options += ["-H", "X-Document-Name: \(name)"] }
        return try await w.request("POST", "/api/v1/cases/\(caseID ?? w.uploadCase)/documents?acknowledge=R-CON-9\(query)", token: token, curlOptions: options)
    }

    func documentIDs(_ w: ServerTestWorld) throws -> Set<String> {
        Set(try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).map(\.id.rawValue))
    }

    /// Nothing an upload leaves behind: its spool file, or a body's temp file in the blob store.
    func leftovers(_ w: ServerTestWorld) -> [String] {
        [w.root + "/" + UploadSpool.folderName, BlobStore(root: w.root).temporary].flatMap {
            (try? FileManager.default.contentsOfDirectory(atPath: $0)) ?? []
        }
    }

    func testAnUploadIsIngestedAsTheCLIIngestsAndReadsBackIdentically() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        var bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) })
        bytes.append(contentsOf: [0xFF, 0xFE, 0x00, 0x0A])
        let before = try documentIDs(w)
        let stored = try await upload(w, bytes, name: "Ellis%20ward%20notes%20%C3%A9.txt", token: token, query: "&kind=evidence&date=2024-05-01")
        XCTAssertEqual(stored.status, 201, stored.text)
        XCTAssertEqual(stored.json["status"] as? String, "stored")
        let id = try XCTUnwrap(stored.json["id"] as? String)
        XCTAssertEqual(try documentIDs(w), before.union([id]))
        let view = try XCTUnwrap(try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).first { $0.id.rawValue == id })
        XCTAssertEqual(view.name, "Ellis ward notes é.txt", "the name is the percent-decoded header")
        XCTAssertEqual(view.kind, "evidence")
        XCTAssertEqual(view.documentDate, "2024-05-01")
        XCTAssertEqual(view.ingestedBy, w.sam)
        XCTAssertEqual(view.size, Int64(bytes.count))
        let audit = try w.open(as: w.lee).auditLog(caseID: CaseID(w.uploadCase), since: nil, actor: w.sam)
        XCTAssertTrue(audit.contains { $0.action == "document.ingest" && $0.documentID == id }, "the core audited the ingest")

        let content = try await w.request("GET", "/api/v1/documents/\(id)/content?acknowledge=R-CON-9", token: token)
        XCTAssertEqual(content.status, 200, content.text)
        XCTAssertEqual(content.body, bytes, "the bytes read back equal the bytes uploaded")

        // The same content again: not stored, reported as `ingest --json` reports it (status duplicate, duplicate_of)
        // and as the core reports the same file ingested locally.
        let again = try await upload(w, bytes, name: "copy.txt", token: token)
        XCTAssertEqual(again.status, 200, again.text)
        XCTAssertEqual(again.json["status"] as? String, "duplicate")
        XCTAssertEqual(again.json["duplicate_of"] as? String, id)
        XCTAssertEqual(try documentIDs(w), before.union([id]))
        let local = w.directory.appendingPathComponent("local-copy.txt")
        try bytes.write(to: local)
        let core = try w.open(as: w.sam).ingest(caseID: CaseID(w.uploadCase), files: [.init(path: local.path)], options: .init())
        guard case .duplicate(let of) = core.first?.outcome else { return XCTFail("the core did not report a duplicate") }
        XCTAssertEqual(of.rawValue, id)
        let forced = try await upload(w, bytes, name: "copy.txt", token: token, query: "&allow_duplicate=true")
        XCTAssertEqual(forced.status, 201, forced.text)
        XCTAssertEqual(leftovers(w), [])
        // Uploads are received in memory files: no spool folder, so no plaintext on disk even for a moment.
        XCTAssertFalse(FileManager.default.fileExists(atPath: w.root + "/" + UploadSpool.folderName))
    }

    func testAnOversizedUploadIs413WithNothingStoredAndNoTempFileLeft() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let before = try documentIDs(w)
        let big = Data(repeating: 0x41, count: Int(ServerTestWorld.maxUploadBytes) + 4096)
        // With Content-Length (refused before a byte is read) and chunked (refused once the cap is passed while reading).
        for extra in [[], ["-H", "Transfer-Encoding: chunked"]] {
            let refused = try await upload(w, big, name: "big.txt", token: token, extra: extra)
            XCTAssertEqual(refused.status, 413, "\(extra): \(refused.text)")
            XCTAssertEqual(refused.json["error"] as? String, "too_large", refused.text)
            XCTAssertEqual(try documentIDs(w), before, "nothing stored")
            XCTAssertEqual(leftovers(w), [], "no temp file left")
        }
        // Exactly the limit is accepted.
        let limit = Data((0..<Int(ServerTestWorld.maxUploadBytes)).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let stored = try await upload(w, limit, name: "at-the-limit.bin", token: token, extra: ["-H", "Transfer-Encoding: chunked"])
        XCTAssertEqual(stored.status, 201, stored.text)
        XCTAssertEqual(leftovers(w), [])
    }

    func testUploadsWithoutConsentOrWithoutTheCaseKeyAreRefusedWithTheDecision() async throws {
        let w = try await world()
        let before = try documentIDs(w)
        // Alex's organisation holds no consent for the case.
        let alex = try await upload(w, Data("from another organisation".utf8), name: "a.txt", token: try await w.token(w.alex))
        XCTAssertEqual(alex.status, 403, alex.text)
        XCTAssertEqual(alex.json["error"] as? String, "refused")
        let decision = try XCTUnwrap(alex.json["decision"] as? [String: Any], alex.text)
        XCTAssertEqual(decision["kind"] as? String, "consent")
        XCTAssertFalse((decision["rule_ids"] as? [String] ?? []).isEmpty, alex.text)
        // Pat is of the consenting organisation but not assigned: no key for the case.
        let pat = try await upload(w, Data("from an unassigned advocate".utf8), name: "p.txt", token: try await w.token(w.pat))
        XCTAssertEqual(pat.status, 403, pat.text)
        XCTAssertNotNil(pat.json["decision"] as? [String: Any], pat.text)
        XCTAssertEqual(try documentIDs(w), before, "nothing stored")
        XCTAssertEqual(leftovers(w), [], "no temp file left")
    }

    func testUnsafeOrMissingNamesAreRefusedAndNothingIsStored() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let before = try documentIDs(w)
        for name in ["..%2Fx", "../x", "a%0Ab.txt", "a%00b", "..", "%2E%2E", "%FF%FE", "", nil] as [String?] {
            let refused = try await upload(w, Data("odd name \(name ?? "none")".utf8), name: name, token: token)
            XCTAssertEqual(refused.status, 400, "\(name ?? "none"): \(refused.text)")
            XCTAssertTrue(["invalid_name", "invalid_request"].contains(refused.json["error"] as? String ?? ""), refused.text)
        }
        XCTAssertEqual(try documentIDs(w), before, "nothing stored")
        XCTAssertEqual(leftovers(w), [])
        // Odd but harmless characters are kept as they are (sealed, never used as a path).
        let odd = try await upload(w, Data("quotes and brackets".utf8), name: "Ellis%20%22draft%22%20%3Cv2%3E%3B%20%25.txt", token: token)
        XCTAssertEqual(odd.status, 201, odd.text)
        let id = try XCTUnwrap(odd.json["id"] as? String)
        XCTAssertEqual(try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).first { $0.id.rawValue == id }?.name, "Ellis \"draft\" <v2>; %.txt")
    }
}
