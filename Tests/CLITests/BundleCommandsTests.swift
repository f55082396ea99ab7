import Foundation
import PDFRender
import XCTest

/// `casevault export` and `bundle verify|log` through the binary, with a real vault and real PDFs.
final class BundleCommandsTests: XCTestCase {
    private let letter = """
        Dear Complaints Team,
        My mother Margaret Ellis (NHS 943 476 5919) was discharged too early. Our neighbour Peter Quenby saw it.
        Staff nurse Helen Brooks was kind.
        """

    /// A vault with a case, its consent (export_bundle towards trust-X), a registered third party, and a letter.
    private func caseWithLetter(_ sandbox: Sandbox) throws -> String {
        let caseID = try prepare(sandbox)
        let neighbour = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Peter Quenby", "--json"]))["id"] as? String)
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, neighbour, "--role", "third_party"]).exitCode, 0)
        // Staff acting in their role stay readable once registered (unregistered names are redacted).
        let nurse = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Helen Brooks", "--json"]))["id"] as? String)
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, nurse, "--role", "staff"]).exitCode, 0)
        _ = try write(sandbox, "letter.txt", letter)
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "letter.txt"]).exitCode, 0)
        return caseID
    }

    private func export(_ sandbox: Sandbox, _ caseID: String, _ extra: [String] = []) throws -> CLIResult {
        try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X"] + extra,
                        environment: ["CASEVAULT_OCR": "off"])
    }

    func testExportWritesAVerifiableRedactedBundleAndLogsIt() throws {
        let sandbox = try Sandbox()
        let caseID = try caseWithLetter(sandbox)
        let result = try export(sandbox, caseID, ["--out", "bundle.pdf", "--json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("OCR is not available"), "the degraded mode is announced: \(result.stderr)")
        let summary = try sandbox.json(result)
        XCTAssertEqual(summary["pages"] as? Int, 3, "cover, index and the letter (the signed consent form is left out unless named)")
        XCTAssertTrue(result.stderr.contains("(consent form) left out"), result.stderr)
        XCTAssertEqual(try sandbox.mode("bundle.pdf") & 0o077, 0)

        let pdf = try PDFSource(data: Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.path("bundle.pdf")))))
        let text = (try (0..<pdf.pageCount).map { try pdf.text(ofPage: $0) } + (try pdf.hiddenText()))
            .joined(separator: "\n").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for secret in ["Quenby", "Margaret Ellis", "943 476 5919"] { XCTAssertFalse(text.contains(secret), secret) }
        XCTAssertTrue(text.contains("Helen Brooks") && text.contains("discharged too early"))
        // The cover names who prepared it by name and organisation: never an id, never a Swift optional.
        let cover = try pdf.text(ofPage: 0).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertNotNil(cover.range(of: "PREPARED BY Sam Carter, Partner [0-9A-F]{8} DATE", options: .regularExpression), "the organisation is 'Partner …': \(cover)")
        XCTAssertFalse(cover.contains("Optional(") || cover.contains("adv-"), cover)
        let manifestText = try String(contentsOfFile: sandbox.path("bundle.pdf.manifest.json"), encoding: .utf8)
        XCTAssertFalse(manifestText.contains("Quenby"))

        let verified = try sandbox.run(["bundle", "verify", "bundle.pdf"])
        XCTAssertEqual(verified.exitCode, 0, verified.stderr)
        XCTAssertTrue(verified.stdout.contains("OK:") && verified.stdout.contains(caseID), verified.stdout)

        // Without the vault, with the public key `keys show` prints.
        let keys = try sandbox.json(try sandbox.run(["keys", "show", "--json"]))
        let publicKey = try XCTUnwrap((keys["signing_key"] as? [String: Any])?["public_key"] as? String)
        var noVault = sandbox.environment
        noVault["CASEVAULT_VAULT"] = sandbox.path("nowhere")
        let standalone = Sandbox.with(sandbox, environment: noVault)
        XCTAssertEqual(try standalone.run(["bundle", "verify", "bundle.pdf", "--public-key", publicKey]).exitCode, 0)
        let noKey = try standalone.run(["bundle", "verify", "bundle.pdf"])
        XCTAssertEqual(noKey.exitCode, 1)
        XCTAssertTrue(noKey.stderr.contains("--public-key"), noKey.stderr)

        // One byte changed in the PDF, or in the manifest: not genuine (exit 5).
        for name in ["bundle.pdf", "bundle.pdf.manifest.json"] {
            try FileManager.default.copyItem(atPath: sandbox.path("bundle.pdf"), toPath: sandbox.path("copy.pdf"))
            try FileManager.default.copyItem(atPath: sandbox.path("bundle.pdf.manifest.json"), toPath: sandbox.path("copy.pdf.manifest.json"))
            let target = name == "bundle.pdf" ? "copy.pdf" : "copy.pdf.manifest.json"
            var bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.path(target)))
            bytes[bytes.count / 2] ^= 0x20
            try bytes.write(to: URL(fileURLWithPath: sandbox.path(target)))
            let changed = try sandbox.run(["bundle", "verify", "copy.pdf"])
            XCTAssertEqual(changed.exitCode, 5, "\(name): \(changed.stderr)")
            XCTAssertTrue(changed.stderr.contains("NOT a genuine bundle"), changed.stderr)
            try FileManager.default.removeItem(atPath: sandbox.path("copy.pdf"))
            try FileManager.default.removeItem(atPath: sandbox.path("copy.pdf.manifest.json"))
        }

        try FileManager.default.copyItem(atPath: sandbox.path("bundle.pdf"), toPath: sandbox.path("lonely.pdf"))
        let noManifest = try sandbox.run(["bundle", "verify", "lonely.pdf"])
        XCTAssertEqual(noManifest.exitCode, 1)
        XCTAssertTrue(noManifest.stderr.contains("no manifest at") && noManifest.stderr.contains("--manifest"), noManifest.stderr)
        XCTAssertEqual(try sandbox.run(["bundle", "verify", "lonely.pdf", "--manifest", "bundle.pdf.manifest.json"]).exitCode, 0)

        // Another vault's key does not vouch for this bundle.
        let other = try Sandbox()
        other.environment["CASEVAULT_VAULT"] = other.path("vault")
        XCTAssertEqual(try other.run(["init", "--no-passphrase"]).exitCode, 0)
        try FileManager.default.copyItem(atPath: sandbox.path("bundle.pdf"), toPath: other.path("bundle.pdf"))
        try FileManager.default.copyItem(atPath: sandbox.path("bundle.pdf.manifest.json"), toPath: other.path("bundle.pdf.manifest.json"))
        let foreign = try other.run(["bundle", "verify", "bundle.pdf"])
        XCTAssertEqual(foreign.exitCode, 5)
        XCTAssertTrue(foreign.stderr.contains("signed by another key"), foreign.stderr)

        let log = try sandbox.run(["bundle", "log", "--case", caseID, "--json"])
        XCTAssertEqual(log.exitCode, 0, log.stderr)
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(entries.count, 1)
        let items = try XCTUnwrap(entries.first?["documents"] as? [[String: Any]])
        XCTAssertEqual(items.count, 1)
        let letterItem = try XCTUnwrap(items.first)
        XCTAssertEqual((letterItem["redactions"] as? [String: Int])?["person_name"], 2)
        XCTAssertEqual(entries.first?["exported_by"] as? String, sandbox.environment["CASEVAULT_ADVOCATE"])
        let audit = try sandbox.asManager(["audit", "log", "--case", caseID, "--json"])
        XCTAssertTrue(audit.stdout.contains("bundle.export"), "the export is in the audit log")
        XCTAssertFalse(audit.stdout.contains("Quenby"))

        // The same path again is refused, and the file is untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.path("bundle.pdf")))
        let again = try export(sandbox, caseID, ["--out", "bundle.pdf"])
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("already exists") && again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: sandbox.path("bundle.pdf"))), before)
    }

    func testAnOutputFolderThatDoesNotExistIsRefusedBeforeAnyWork() throws {
        let sandbox = try Sandbox()
        let caseID = try caseWithLetter(sandbox)
        let result = try export(sandbox, caseID, ["--out", "missing/bundle.pdf"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("missing") && result.stderr.contains("does not exist"), result.stderr)
        let audit = try sandbox.asManager(["audit", "log", "--case", caseID])
        XCTAssertFalse(audit.stdout.contains("bundle.read"), "no document was decrypted for an export that could not be written")
    }

    func testNothingOnDiskCarriesTheThirdPartyAfterAnExport() throws {
        let sandbox = try Sandbox()
        let caseID = try caseWithLetter(sandbox)
        try FileManager.default.removeItem(atPath: sandbox.path("letter.txt"))
        try FileManager.default.createDirectory(atPath: sandbox.path("tmp"), withIntermediateDirectories: true)
        let result = try sandbox.run(["export", "--case", caseID, "--meeting", "Meeting", "--for", "trust-X", "--out", "bundle.pdf"],
                                     environment: ["TMPDIR": sandbox.path("tmp")])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        // Everything under the sandbox (vault, key file, temp folder, the bundle, caches the PDF stack may write
        // in HOME): the plaintext of the letter is only ever in memory.
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: sandbox.directory.path))
        var files = 0
        while let name = enumerator.nextObject() as? String {
            let path = sandbox.path(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            files += 1
            for secret in ["Quenby", "discharged too early", "943 476 5919"] where name != "bundle.pdf" || secret == "Quenby" {
                XCTAssertNil(data.range(of: Data(secret.utf8)), "\(secret) found in \(name)")
            }
        }
        XCTAssertGreaterThan(files, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("tmp")), [], "nothing left in the temp folder")
    }

    func testDryRunWritesNothingAndShowsCounts() throws {
        let sandbox = try Sandbox()
        let caseID = try caseWithLetter(sandbox)
        let dry = try export(sandbox, caseID, ["--dry-run", "--out", "bundle.pdf"])
        XCTAssertEqual(dry.exitCode, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("nhs_number 1") && dry.stdout.contains("person_name 2"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("nothing was written"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf")))
        XCTAssertFalse(dry.stdout.contains("Quenby"))

        // --docs picks documents; one from another case, or one that cannot go into a bundle, is refused by id.
        let letterID = try XCTUnwrap(try listedDocuments(sandbox, ["list", "--case", caseID]).first?["id"] as? String)
        let picked = try export(sandbox, caseID, ["--dry-run", "--docs", letterID, "--json"])
        XCTAssertEqual(picked.exitCode, 0, picked.stderr)
        XCTAssertEqual((try sandbox.json(picked)["documents"] as? [[String: Any]])?.map { $0["document_id"] as? String }, [letterID])
        let unknown = try export(sandbox, caseID, ["--dry-run", "--docs", "doc-0000000000000000"])
        XCTAssertEqual(unknown.exitCode, 1)
        XCTAssertTrue(unknown.stderr.contains("doc-0000000000000000 is not in case"), unknown.stderr)
        try Data([0x00, 0x01, 0x02, 0xFF]).write(to: URL(fileURLWithPath: sandbox.path("blob.bin")))
        let stored = try sandbox.run(["ingest", "--case", caseID, "blob.bin", "--json"])
        let blob = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let refused = try export(sandbox, caseID, ["--dry-run", "--docs", blob])
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.stderr.contains("\(blob) is application/octet-stream"), refused.stderr)
        let all = try export(sandbox, caseID, ["--dry-run"])
        XCTAssertEqual(all.exitCode, 0, all.stderr)
        XCTAssertTrue(all.stdout.contains("out \(blob) other"), "by default it is left out, and the dry run says so: \(all.stdout)")
    }

    func testSharingWithSomeoneTheConsentDoesNotNameIsRefusedAndNothingIsWritten() throws {
        let sandbox = try Sandbox()
        let caseID = try caseWithLetter(sandbox)
        let refused = try sandbox.run(["export", "--case", caseID, "--meeting", "Meeting", "--for", "solicitor-Y", "--out", "bundle.pdf"])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("R-DATA-1"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf")))
        let audit = try sandbox.asManager(["audit", "log", "--case", caseID])
        XCTAssertTrue(audit.stdout.contains("share_with_third_party"), "the refusal is audited")
    }

    func testALeakFoundInTheFinishedBundleDeletesItAndSaysWhichDocument() throws {
        let sandbox = try Sandbox()
        let caseID = try caseWithLetter(sandbox)
        // The client's date of birth is labelled in one note and bare in another: the first is redacted, the
        // second is caught by the leak check of the finished PDF.
        _ = try write(sandbox, "labelled.txt", "Date of birth: 14/03/1946\n")
        _ = try write(sandbox, "bare.txt", "Appointment card 14/03/1946\n")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "--date", "2025-04-01", "labelled.txt"]).exitCode, 0)
        let ingested = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-04-02", "bare.txt", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)

        try FileManager.default.createDirectory(atPath: sandbox.path("out"), withIntermediateDirectories: true)
        let failed = try export(sandbox, caseID, ["--out", "out/bundle.pdf"])
        XCTAssertEqual(failed.exitCode, 1)
        XCTAssertTrue(failed.stderr.contains(document) && failed.stderr.contains("date_of_birth") && failed.stderr.contains("it was not kept"), failed.stderr)
        XCTAssertFalse(failed.stderr.contains("1946"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("out")).count, 0, "no bundle, manifest or temp file is left")
        let audit = try sandbox.asManager(["audit", "log", "--case", caseID])
        XCTAssertTrue(audit.stdout.contains("bundle.export") && audit.stdout.contains("failure"), audit.stdout)
        let log = try sandbox.run(["bundle", "log", "--case", caseID, "--json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [Any])?.count, 0, "a refused bundle is not in the redaction log")
    }
}

extension Sandbox {
    /// Another view of the same folder with a different environment.
    static func with(_ sandbox: Sandbox, environment: [String: String]) -> SandboxView {
        SandboxView(base: sandbox, environment: environment)
    }
}

struct SandboxView {
    let base: Sandbox
    let environment: [String: String]

    func run(_ arguments: [String]) throws -> CLIResult {
        try base.run(arguments, environment: environment)
    }
}
