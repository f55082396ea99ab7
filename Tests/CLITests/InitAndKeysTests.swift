import Foundation
import XCTest

final class InitAndKeysTests: XCTestCase {
    let passphrase = ["CASEVAULT_PASSPHRASE": "a long test passphrase"]

    func testInitCreatesPrivateVaultAndKeysShowPrintsFingerprintsOnly() throws {
        let sandbox = try Sandbox()
        let created = try sandbox.run(["init", "--key-file-vault", "--vault", "v", "--json"], environment: passphrase)
        XCTAssertEqual(created.exitCode, 0, created.stderr)
        let vaultID = try XCTUnwrap(try sandbox.json(created)["id"] as? String)
        XCTAssertEqual(try sandbox.mode("v"), 0o700)
        XCTAssertEqual(try sandbox.mode("v/keys.json"), 0o600)
        XCTAssertEqual(try sandbox.mode("v/vault.json"), 0o600)

        let shown = try sandbox.run(["keys", "show", "--vault", "v", "--json"], environment: passphrase)
        XCTAssertEqual(shown.exitCode, 0, shown.stderr)
        let report = try sandbox.json(shown)
        XCTAssertEqual(report["vault_id"] as? String, vaultID)
        let masters = try XCTUnwrap(report["master_keys"] as? [[String: Any]])
        XCTAssertEqual(masters.count, 1)
        XCTAssertEqual(masters[0]["version"] as? Int, 1)
        XCTAssertEqual((masters[0]["fingerprint"] as? String)?.count, 19)
        XCTAssertEqual(report["passphrase_kdf"] as? String, "scrypt N=2^17 r=8 p=1")

        let human = try sandbox.run(["keys", "show", "--vault", "v"], environment: passphrase)
        XCTAssertEqual(human.exitCode, 0)
        XCTAssertTrue(human.stdout.contains(masters[0]["fingerprint"] as! String))
    }

    /// `--keys k`: a one-letter file name in the current folder once crashed init (a Foundation trap on Linux).
    func testAOneLetterIdentityFileName() throws {
        let sandbox = try Sandbox()
        let created = try sandbox.run(["init", "--vault", "v", "--keys", "k", "--no-passphrase"])
        XCTAssertEqual(created.exitCode, 0, created.stderr)
        XCTAssertEqual(try sandbox.mode("k"), 0o600)
        let shown = try sandbox.run(["keys", "show", "--vault", "v", "--keys", "k"])
        XCTAssertEqual(shown.exitCode, 0, shown.stderr)
    }

    func testKeysShowNeverPrintsRawKeyBytes() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v", "--no-passphrase"]).exitCode, 0)
        let keyFile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path("v/keys.json")))) as! [String: Any]
        let rawMaster = try XCTUnwrap(((keyFile["master_keys"] as? [[String: Any]])?.first?["key"]) as? String)
        let rawSigning = try XCTUnwrap((keyFile["signing_key"] as? [String: Any])?["key"] as? String)
        let rawHex = Data(base64Encoded: rawMaster)!.map { String(format: "%02x", $0) }.joined()
        for arguments in [["keys", "show", "--vault", "v"], ["keys", "show", "--vault", "v", "--json"]] {
            let result = try sandbox.run(arguments)
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            for secret in [rawMaster, rawSigning, rawHex] {
                XCTAssertFalse(result.stdout.contains(secret) || result.stderr.contains(secret), "key bytes printed by \(arguments)")
            }
        }
    }

    func testWrongPassphraseIsAClearDistinctError() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: passphrase).exitCode, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.path("v/keys.json")))
        let result = try sandbox.run(["keys", "show", "--vault", "v"], environment: ["CASEVAULT_PASSPHRASE": "not the passphrase"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("casevault: error: wrong passphrase"), result.stderr)
        XCTAssertTrue(result.stderr.contains("casevault: hint:"))
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: sandbox.path("v/keys.json"))), before, "nothing changed")
    }

    func testMissingPassphraseWithoutTerminalSaysHowToGiveOne() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: passphrase).exitCode, 0)
        let result = try sandbox.run(["keys", "show", "--vault", "v"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("CASEVAULT_PASSPHRASE"), result.stderr)
    }

    func testGroupReadableKeyFileIsRefusedWithTheFix() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: passphrase).exitCode, 0)
        chmod(sandbox.path("v/keys.json"), 0o644)
        let result = try sandbox.run(["keys", "show", "--vault", "v"], environment: passphrase)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("has mode 0644"), result.stderr)
        XCTAssertTrue(result.stderr.contains("chmod 600"), result.stderr)
        XCTAssertTrue(result.stderr.contains(sandbox.path("v/keys.json")) || result.stderr.contains("v/keys.json"))
        XCTAssertFalse(result.stderr.contains("wrong passphrase"))
    }

    func testTruncatedEmptyAndGarbageKeyFilesGiveDistinctErrors() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: passphrase).exitCode, 0)
        let keyPath = sandbox.path("v/keys.json")
        let original = try Data(contentsOf: URL(fileURLWithPath: keyPath))
        let cases: [(String, Data, String)] = [
            ("truncated", original.prefix(original.count / 2), "truncated"),
            ("empty", Data(), "the key file is empty"),
            ("garbage", Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 73) }), "not valid JSON"),
        ]
        var messages: Set<String> = []
        for (name, bytes, expected) in cases {
            try bytes.write(to: URL(fileURLWithPath: keyPath))
            chmod(keyPath, 0o600)
            let result = try sandbox.run(["keys", "show", "--vault", "v"], environment: passphrase)
            XCTAssertEqual(result.exitCode, 1, name)
            XCTAssertTrue(result.stderr.contains(expected), "\(name): \(result.stderr)")
            messages.insert(result.stderr.components(separatedBy: "\n")[0])
        }
        XCTAssertEqual(messages.count, 2, "empty differs from truncated/garbage")
    }

    func testTamperedSealedKeyIsReportedAsDamagedNotWrongPassphrase() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: passphrase).exitCode, 0)
        let keyPath = sandbox.path("v/keys.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keyPath))) as! [String: Any]
        var masters = object["master_keys"] as! [[String: Any]]
        var sealed = [UInt8](Data(base64Encoded: masters[0]["sealed_key"] as! String)!)
        sealed[3] ^= 1
        masters[0]["sealed_key"] = Data(sealed).base64EncodedString()
        object["master_keys"] = masters
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: keyPath))
        let result = try sandbox.run(["keys", "show", "--vault", "v"], environment: passphrase)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("damaged"), result.stderr)
        XCTAssertTrue(result.stderr.contains("master key version 1"), result.stderr)
    }

    func testWeakenedScryptParametersAreRefused() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: passphrase).exitCode, 0)
        let keyPath = sandbox.path("v/keys.json")
        let text = try String(contentsOfFile: keyPath, encoding: .utf8).replacingOccurrences(of: "\"log2_n\" : 17", with: "\"log2_n\" : 10")
        try text.write(toFile: keyPath, atomically: false, encoding: .utf8)
        let result = try sandbox.run(["keys", "show", "--vault", "v"], environment: passphrase)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("scrypt parameters"), result.stderr)
    }

    func testKeyFileOfAnotherVaultIsRefused() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "a", "--no-passphrase"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "b", "--no-passphrase"]).exitCode, 0)
        let result = try sandbox.run(["keys", "show", "--vault", "a", "--keys", "b/keys.json"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("belongs to another vault"), result.stderr)
    }

    func testSeparateKeyFileThroughEnvironmentAndNonEmptyFolderRefused() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.path("keys"), withIntermediateDirectories: true)
        let env = ["CASEVAULT_VAULT": sandbox.path("vault"), "CASEVAULT_KEYS": sandbox.path("keys/vault.keys")]
        let created = try sandbox.run(["init", "--key-file-vault", "--no-passphrase"], environment: env)
        XCTAssertEqual(created.exitCode, 0, created.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("vault/keys.json")))
        XCTAssertEqual(try sandbox.mode("keys/vault.keys"), 0o600)
        XCTAssertEqual(try sandbox.run(["keys", "show"], environment: env).exitCode, 0)

        let again = try sandbox.run(["init", "--key-file-vault", "--no-passphrase"], environment: env)
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("not empty"), again.stderr)
        XCTAssertEqual(try sandbox.run(["keys", "show"], environment: env).exitCode, 0, "the first vault is untouched")
    }

    func testInitRefusesToOverwriteAnExistingKeyFileAndLeavesNothingBehind() throws {
        let sandbox = try Sandbox()
        try Data("precious".utf8).write(to: URL(fileURLWithPath: sandbox.path("existing.keys")))
        let result = try sandbox.run(["init", "--key-file-vault", "--vault", "v", "--keys", "existing.keys", "--no-passphrase"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("refusing to overwrite"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: sandbox.path("existing.keys"), encoding: .utf8), "precious")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("v")), "no half-made vault left behind")
    }

    func testVaultFolderOpenToOthersIsRefused() throws {
        let sandbox = try Sandbox()
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v", "--no-passphrase"]).exitCode, 0)
        chmod(sandbox.path("v"), 0o755)
        let result = try sandbox.run(["keys", "show", "--vault", "v"])
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("chmod 700"), result.stderr)
    }

    func testPassphraseFileMustBePrivateAndIsUsed() throws {
        let sandbox = try Sandbox()
        let file = sandbox.path("pass")
        try Data("file passphrase 123\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        let refused = try sandbox.run(["init", "--key-file-vault", "--vault", "v", "--passphrase-file", "pass"])
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.stderr.contains("passphrase file"), refused.stderr)
        chmod(file, 0o600)
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "v", "--passphrase-file", "pass"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["keys", "show", "--vault", "v"], environment: ["CASEVAULT_PASSPHRASE": "file passphrase 123"]).exitCode, 0,
                       "the trailing newline is not part of the passphrase")
    }

    func testShortPassphraseAndMissingVaultAreExplained() throws {
        let sandbox = try Sandbox()
        let short = try sandbox.run(["init", "--key-file-vault", "--vault", "v"], environment: ["CASEVAULT_PASSPHRASE": "short"])
        XCTAssertEqual(short.exitCode, 1)
        XCTAssertTrue(short.stderr.contains("too short"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("v")))
        let missing = try sandbox.run(["keys", "show", "--vault", "nowhere"])
        XCTAssertEqual(missing.exitCode, 1)
        XCTAssertTrue(missing.stderr.contains("casevault init"), missing.stderr)
    }

    func testUsageErrorsExit64() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(["init", "--no-passphrase", "--passphrase-file", "x"])
        XCTAssertEqual(result.exitCode, 64, result.stderr)
    }
}
