import Foundation
import XCTest

/// A vault written by the previous release (0.1.0, before roles and versioned sealed payloads; Fixtures/vault-0.1.0,
/// made with commit c6019f3) opens, migrates, verifies and reads with this one.
final class PreviousReleaseVaultTests: XCTestCase {
    func testAVaultOfThePreviousReleaseOpensVerifiesAndReads() throws {
        let fixtures = packageRoot.appendingPathComponent("Tests/CLITests/Fixtures")
        let ids = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("vault-0.1.0.ids.json")))
            as? [String: String])
        let sandbox = try Sandbox()
        let vault = sandbox.path("vault")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("vault-0.1.0"), to: URL(fileURLWithPath: vault))
        // Git keeps no modes and no empty folders: put back what casevault made.
        for (path, mode) in [(vault, 0o700), (vault + "/objects", 0o700), (vault + "/keys.json", 0o600), (vault + "/vault.db", 0o600),
                             (vault + "/vault.json", 0o600)] {
            XCTAssertEqual(chmod(path, mode_t(mode)), 0)
        }
        for shard in try FileManager.default.contentsOfDirectory(atPath: vault + "/objects") {
            chmod(vault + "/objects/" + shard, 0o700)
            for blob in try FileManager.default.contentsOfDirectory(atPath: vault + "/objects/" + shard) { chmod(vault + "/objects/\(shard)/\(blob)", 0o600) }
        }
        sandbox.environment["CASEVAULT_VAULT"] = vault
        let advocate = try XCTUnwrap(ids["advocate"]), caseID = try XCTUnwrap(ids["case"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate

        // The old release kept the NHS body and the incident date in clear columns.
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", "SELECT nhs_body, incident_date FROM cases"), "trust-X|2025-01-15")
        let verified = try sandbox.run(["verify", "--read-data", "--json"])
        XCTAssertEqual(verified.exitCode, 0, verified.stderr)
        // Opened with its key file, the vault sealed them (issue 18) in ledgered writes, so verify is clean, and the
        // clear columns are empty; the values read back the same.
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", """
            SELECT count(*) FROM cases WHERE nhs_body IS NOT NULL OR incident_date IS NOT NULL OR aware_date IS NOT NULL
            OR complaint_date IS NOT NULL OR details_sealed IS NULL
            """), "0")
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", """
            SELECT count(*) FROM documents WHERE document_date_source != '' OR date_source_sealed IS NULL
            """), "0")
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", "SELECT count(*) FROM organisations WHERE name != id OR name_sealed IS NULL"), "0")
        // Its consent form's kind is sealed (`form` in clear), and still listed as a consent form below.
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", "SELECT count(*) FROM documents WHERE kind = 'form' AND kind_sealed IS NOT NULL"), "1")
        // Its sealed records (format 1) were rewritten bound to their ledger versions (format 2, tagged `cvr2`).
        // A case's working records (notes, reminders, redaction terms…), facts and people list then moved under their
        // case key (format 3, `cvr3`), and its people's authorities and person records under the key their fields moved
        // to, their organisation's directory key (format 4, `cvr4`): this vault has one key file, which holds every
        // key. Only the case's parties record (what every account needs of it) is under the metadata key.
        func count(_ condition: String) throws -> String {
            try SealedColumnsTests.sqlite(vault + "/vault.db", "SELECT count(*) FROM consent_records WHERE " + condition)
        }
        XCTAssertEqual(try count("substr(sealed, 1, 4) != CAST('cvr4' AS BLOB) AND record_type IN ('authority', 'person_record')"), "0")
        XCTAssertEqual(try count("substr(sealed, 1, 4) != CAST('cvr3' AS BLOB) AND record_type NOT IN ('authority', 'person_record', 'case_parties')"), "0")
        XCTAssertEqual(try count("substr(sealed, 1, 4) = CAST('cvr2' AS BLOB) AND record_type = 'case_parties'"), "1")
        // The client's fields moved with her records, under the organisation's directory key; the relative, who has
        // no records, keeps hers under the metadata key until she is next changed or the case is re-keyed.
        let client = try XCTUnwrap(ids["client"])
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db",
                                                     "SELECT count(*) FROM people WHERE id = '\(client)' AND substr(name_sealed, 1, 4) = CAST('cvp1' AS BLOB)"), "1")
        try SealedColumnsTests.assertNotInDatabase(["trust-X", "2025-01-15", "file modified time", "given at ingest", "Norfolk NHS"], sandbox)
        let opened = try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))
        XCTAssertEqual(opened["nhs_body"] as? String, "trust-X")
        XCTAssertEqual(opened["incident_date"] as? String, "2025-01-15")
        XCTAssertEqual(opened["organisation_name"] as? String, "Norfolk NHS Complaints Advocacy")
        XCTAssertEqual(try sandbox.json(verified)["ok"] as? Bool, true)
        XCTAssertEqual(try sandbox.json(verified)["documents_checked"] as? Int, 2)
        XCTAssertEqual(try sandbox.run(["audit", "verify"]).exitCode, 0)
        // The first open stored the audit key (derived from master version 1) in the key file: format 2, same log MACs.
        let keyFile = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: vault + "/keys.json")))
            as? [String: Any])
        XCTAssertEqual(keyFile["format_version"] as? Int, 2)
        XCTAssertEqual((keyFile["audit_key"] as? [String: Any])?["protection"] as? String, "raw", "protected like the file's other keys")
        XCTAssertEqual(try sandbox.mode("vault/keys.json"), 0o600)

        // The old advocate becomes an advocate; the vault has no administrator until the key holder adds one.
        let accounts = try sandbox.run(["advocate", "list", "--json"])
        XCTAssertEqual(accounts.exitCode, 0, accounts.stderr)
        XCTAssertTrue(accounts.stdout.contains("\"role\" : \"advocate\""), accounts.stdout)
        let admin = try sandbox.run(["advocate", "add", "Dana Brooks", "--role", "admin", "--json"])
        XCTAssertEqual(admin.exitCode, 0, admin.stderr)
        let second = try sandbox.run(["advocate", "add", "Eve", "--role", "admin"])
        XCTAssertEqual(second.exitCode, 3, "once there is an administrator only an administrator adds accounts: \(second.stderr)")

        // Sealed records of the old format read: the consent, the case's people and its redaction terms.
        let consents = try sandbox.run(["consent", "list", "--case", caseID, "--json"])
        XCTAssertEqual(consents.exitCode, 0, consents.stderr)
        XCTAssertTrue(consents.stdout.contains(try XCTUnwrap(ids["consent"])), consents.stdout)
        let terms = try sandbox.run(["redact", "list", "--case", caseID, "--json"])
        let relative = try XCTUnwrap(ids["relative"])
        XCTAssertTrue(terms.stdout.contains("Ward 7B") && terms.stdout.contains(relative), terms.stdout)
        // The old consent runs out one day; a fresh one (written in the new format) keeps the read independent of the date.
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("renewal.txt")))
        let renewed = try sandbox.run(["consent", "record", "--case", caseID, "--person", try XCTUnwrap(ids["client"]), "--kind",
                                       "written_consent", "--grantee", try XCTUnwrap(ids["organisation"]), "--actions", "view_documents",
                                       "--bodies", "trust-X", "--form", "renewal.txt", "--signed-on", VaultCommandsTests.yesterday])
        XCTAssertEqual(renewed.exitCode, 0, renewed.stderr)
        let listed = try sandbox.run(["list", "--case", caseID, "--json"])
        XCTAssertTrue(listed.stdout.contains("\"document_date_source\" : \"file modified time\""), "sealed, and read back: \(listed.stdout)")
        XCTAssertTrue(listed.stdout.contains("\"kind\" : \"consent_form\""), listed.stdout)
        let letter = try sandbox.run(["cat", try XCTUnwrap(ids["letter"])])
        XCTAssertEqual(letter.exitCode, 0, letter.stderr)
        XCTAssertTrue(letter.stdout.contains("the care my mother received on Ward 7B"), letter.stdout)

        // Case references (v7): the old case has none until its organisation sets a prefix, then gets one (a ledgered
        // write, so verify stays clean) that works wherever the id does.
        XCTAssertNil(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["reference"] as? String)
        let adminID = try XCTUnwrap(try sandbox.json(admin)["id"] as? String)
        let prefixed = try sandbox.run(["org", "update", try XCTUnwrap(ids["organisation"]), "--case-prefix", "NCA", "--json", "--as", adminID])
        XCTAssertEqual(prefixed.exitCode, 0, prefixed.stderr)
        XCTAssertEqual(try sandbox.json(prefixed)["cases_referenced"] as? String, "1")
        let reference = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["reference"] as? String)
        XCTAssertTrue(reference.hasPrefix("NCA-") && reference.hasSuffix("-0001"), reference)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["case", "show", reference.lowercased(), "--json"]))["id"] as? String, caseID)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
        // The sealing ran once, at the first open, not at every open since.
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", "SELECT count(*) FROM audit_events WHERE action = 'vault.seal_columns'"), "1")
        XCTAssertEqual(try SealedColumnsTests.sqlite(vault + "/vault.db", "SELECT count(*) FROM audit_events WHERE action = 'vault.move_to_entitled_keys'"), "1")
    }
}
