import Foundation
import XCTest

/// `casevault search` (issue 19): words inside letters, emails and PDFs of the cases the actor may view, with the
/// passage around each hit; nothing of the text or the query is written anywhere.
final class SearchTests: XCTestCase {
    func testSearchFindsWordsInDocumentsOfTheCasesTheActorMayView() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let letter = try write(sandbox, "in/2025-03-02-letter.txt",
                               "Dear Complaints Team,\nDr Oka\u{200B}for told us the DISCHARGE\nwas planned. SEARCHMARK\n")
        let email = try write(sandbox, "in/reply.eml", """
            From: PALS <pals@nhs.example>\r\nSubject: Your complaint\r\nDate: Tue, 4 Mar 2025 10:00:00 +0000\r\n\r\nWe spoke to Zoë Bell on Ward 7.\r\n
            """)
        try Data(HostilePDFs.plain("Statement from Ward 7 about the discharge")).write(to: URL(fileURLWithPath: sandbox.path("in/statement.pdf")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, sandbox.path("in")])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        _ = (letter, email)

        let result = try sandbox.run(["search", "discharge", "--json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let body = try sandbox.json(result)
        let hits = try XCTUnwrap(body["hits"] as? [[String: Any]])
        XCTAssertEqual(Set(hits.compactMap { $0["name"] as? String }), ["2025-03-02-letter.txt", "statement.pdf"], "\(hits)")
        let letterHit = try XCTUnwrap(hits.first { $0["name"] as? String == "2025-03-02-letter.txt" })
        XCTAssertTrue((letterHit["snippets"] as? [String])?.first?.contains("DISCHARGE was planned") == true, "\(letterHit)")

        // Accents, case and the order of words; a phrase ranks first.
        let ward = try sandbox.json(try sandbox.run(["search", "ward 7", "--case", caseID, "--json"]))
        XCTAssertEqual((ward["hits"] as? [[String: Any]])?.count, 2)
        let zoe = try sandbox.json(try sandbox.run(["search", "ZOE bell", "--json"]))
        XCTAssertEqual((zoe["hits"] as? [[String: Any]])?.first?["name"] as? String, "reply.eml")
        XCTAssertEqual((try sandbox.json(try sandbox.run(["search", "okafor", "--json"]))["hits"] as? [[String: Any]])?.count, 1,
                       "a zero-width space inside a name does not hide it")
        let text = try sandbox.run(["search", "discharge"])
        XCTAssertTrue(text.stdout.contains("2 documents found of"), text.stdout)
        let reference = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["reference"] as? String)
        XCTAssertTrue(text.stdout.contains("case \(reference)"), "cases are named by their reference: \(text.stdout)")

        // A colleague from another organisation sees nothing and may not name the case.
        let other = try sandbox.adminID(["org", "add", "Other Advocacy"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", other])
        let theirs = try sandbox.run(["search", "discharge", "--as", outsider, "--json"])
        XCTAssertEqual(theirs.exitCode, 0, theirs.stderr)
        XCTAssertEqual((try sandbox.json(theirs)["hits"] as? [[String: Any]])?.count, 0)
        XCTAssertEqual(try sandbox.run(["search", "discharge", "--case", caseID, "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["search", " ;; "]).exitCode, 64, "nothing to look for")

        // The search is audited per case, without the words searched for; nothing of the text is on disk.
        let audit = try sandbox.asManager(["audit", "log", "--json"])
        XCTAssertTrue(audit.stdout.contains("document.search"), audit.stdout)
        XCTAssertFalse(audit.stdout.lowercased().contains("discharge"), "the query is not logged")
        for path in FileManager.default.enumerator(atPath: sandbox.path("vault"))?.allObjects as? [String] ?? [] {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/" + path)))) ?? Data()
            XCTAssertNil(data.range(of: Data("SEARCHMARK".utf8)), path)
            XCTAssertNil(data.range(of: Data("discharge".utf8)), path)
        }
        XCTAssertEqual(try sandbox.run(["verify"]).exitCode, 0)

        // A missing body does not stop the search of the others: it is named, with what to do.
        let letterID = try XCTUnwrap(letterHit["document_id"] as? String)
        let shard = String(try XCTUnwrap(letterID.split(separator: "-").last).prefix(2))
        try FileManager.default.removeItem(atPath: sandbox.path("vault/objects/\(shard)/\(letterID)"))
        let after = try sandbox.json(try sandbox.run(["search", "discharge", "--json"]))
        XCTAssertEqual((after["hits"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["statement.pdf"])
        let skipped = try XCTUnwrap(after["not_searched"] as? [[String: Any]])
        XCTAssertEqual(skipped.first?["document_id"] as? String, letterID)
        XCTAssertTrue((skipped.first?["reason"] as? String)?.contains("verify the vault") == true, "\(skipped)")
    }
}
