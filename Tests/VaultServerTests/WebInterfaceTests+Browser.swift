import Foundation
import XCTest
@testable import VaultServer
import VaultModel

/// The web interface in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by Selenium
/// (PyPI) through scripts/web-browser-test.py, against this class's server. Without Chromium or Selenium the test
/// SKIPS and says what to install (`make test` installs them: scripts/ensure-browser.sh); it never passes unrun.
extension WebInterfaceTests {
    func testInARealBrowserSignInReadSignOutAndAnotherOrganisationSeesNothing() async throws {
        let w = try await world()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/web-browser-test.py").path
        // Screenshots of every page, kept as the run's artefacts (.build is not committed).
        let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/web-screenshots").path
        var spec: [String: Any] = [
            "base_url": "https://127.0.0.1:\(w.port)", "screenshots": screenshots,
            "advocate_identity": w.identities[w.sam]!, "advocate_passphrase": w.passphrases[w.sam]!,
            "other_identity": w.identities[w.alex]!, "other_passphrase": w.passphrases[w.alex]!,
            "client_name": "Margaret Ellis", "case_id": w.caseID, "document_name": "letter.txt", "document_text": ServerTestWorld.letterText,
            "script_name": Self.scriptName, "escaped_name": "&lt;script&gt;window.__xss=1&lt;/script&gt;",
            // The second case: three files uploaded there, listed by date, one previewed and a found name registered.
            "upload_client": "Joan Hart",
        ]
        // The bundle wizard, the verify page and a withdrawal run on a case of their own (written consent, a letter).
        let bundleCase = try WebBundleTests.makeBundleCase(w, client: "Edith Rowe")
        spec["bundle_case_id"] = bundleCase.caseID
        spec["bundle_letter_id"] = bundleCase.letter
        spec["bundle_letter_name"] = try w.open(as: w.sam).document(DocumentID(bundleCase.letter)).name
        spec["bundle_letter_text"] = "apologises for the delay"
        spec["bundle_consent_id"] = bundleCase.consent
        spec["downloads"] = w.directory.appendingPathComponent("browser-downloads").path
        // The guided situations' page: a case with no consent yet, where the patient's own is recorded with its form.
        let sam = try w.open(as: w.sam)
        let nora = try sam.addPerson(.init(name: "Nora Lane", dob: "1958-07-21"))
        spec["situation_case_id"] = try sam.openCase(.init(clientID: nora, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-X")).rawValue
        spec["situation_signed_on"] = sam.today().description
        try sam.writeCheckpoint()
        let specFile = w.directory.appendingPathComponent("browser-spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specFile)
        let (status, output) = try await Self.runScript(script, specFile.path)
        if status == 127 { throw XCTSkip("SKIPPED browser test: python3 is not on PATH") }
        let last = output.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? ""
        let result = (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
        if status == 77 {
            let why = result["skipped"] as? String ?? last
            FileHandle.standardError.write(Data("SKIPPED browser test: \(why)\n".utf8))
            throw XCTSkip("SKIPPED browser test: \(why)")
        }
        let failures = result["failures"] as? [String] ?? ["the browser script failed: \(output.suffix(2000))"]
        XCTAssertEqual(status, 0, failures.joined(separator: "\n"))
        XCTAssertEqual(failures, [])
        if let timings = result["timings"] {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: timings, options: [.sortedKeys]), as: UTF8.self)
            FileHandle.standardError.write(Data("web page timings (navigation timing, ms): \(text)\n".utf8))
        }
        if let accessibility = result["accessibility"] as? [String: Any] {
            let checked = (accessibility["checked"] as? [String] ?? []).joined(separator: ", ")
            let note = (accessibility["skipped"] as? String).map { "SKIPPED accessibility check: \($0)" } ?? "axe-core checked: \(checked)"
            FileHandle.standardError.write(Data("\(note)\n".utf8))
        }
    }

    /// `python3 SCRIPT SPEC`, off Swift's cooperative threads; its exit status and standard output (errors appended).
    static func runScript(_ script: String, _ spec: String) async throws -> (Int32, String) {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int32, String), any Error>) in
            DispatchQueue.global().async {
                let process = Process()
                // The python3 on PATH: the one `pip install selenium` installed into.
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", script, spec]
                let out = Pipe()
                process.standardOutput = out
                process.standardError = out
                do {
                    try process.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
