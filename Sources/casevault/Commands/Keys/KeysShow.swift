import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Keys {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "List key versions, creation dates and fingerprints (never key bytes).")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let opened = try global.openVault()
            guard let keyFile = opened.keyFile, let keys = opened.keys else { return try IdentityKeys.show(opened, global: global) }
            let vault = (paths: opened.paths, keyFile: keyFile)
            let current = keys.currentMasterVersion
            let masters = try vault.keyFile.masterKeys.sorted { $0.version < $1.version }.map { entry in
                // A destroyed version has no key left to take a fingerprint of.
                MasterKeyRow(version: entry.version, status: entry.status.rawValue, createdAt: entry.createdAt,
                             fingerprint: entry.status == .destroyed ? nil : try keys.fingerprint(ofMasterVersion: entry.version),
                             current: entry.version == current, protection: entry.status == .destroyed ? nil : entry.protection.rawValue,
                             destroyedAt: entry.destroyedAt)
            }
            let signing = SigningKeyRow(algorithm: vault.keyFile.signingKey.algorithm, createdAt: vault.keyFile.signingKey.createdAt,
                                        fingerprint: try keys.signingKeyFingerprint,
                                        publicKey: Data(keys.signingKey.publicKey.rawRepresentation).base64EncodedString())
            let audit = vault.keyFile.auditKey.map {
                AuditKeyRow(algorithm: $0.algorithm, createdAt: $0.createdAt, protection: $0.protection.rawValue)
            }
            let kdf = vault.keyFile.passphrase.map { "scrypt N=2^\($0.log2N) r=\($0.r) p=\($0.p)" }
            if global.json {
                try global.emitJSON(KeysReport(vaultID: keys.vaultID, keyFile: vault.paths.keyFile, passphraseKDF: kdf,
                                               masterKeys: masters, auditKey: audit, signingKey: signing))
                return
            }
            Terminal.printOut("Vault \(keys.vaultID)")
            Terminal.printOut("Key file \(vault.paths.keyFile) (\(kdf.map { "passphrase-protected, \($0)" } ?? "no passphrase"))")
            Terminal.printOut("")
            Terminal.printOut("MASTER KEYS")
            Terminal.printOut(pad("VERSION", 9) + pad("STATUS", 11) + pad("CREATED", 22) + "FINGERPRINT")
            for row in masters {
                let last = row.fingerprint ?? "(key destroyed \(row.destroyedAt ?? "") - nothing wrapped only under it can be read)"
                Terminal.printOut(pad(String(row.version) + (row.current ? "*" : ""), 9) + pad(row.status, 11) + pad(row.createdAt, 22) + last)
            }
            Terminal.printOut("")
            if let audit {
                Terminal.printOut("AUDIT KEY (the audit log's MAC chain; never changed by rotation or retirement)")
                Terminal.printOut("\(audit.algorithm), in use since \(audit.createdAt)")
                Terminal.printOut("")
            }
            Terminal.printOut("SIGNING KEY (bundles, audit checkpoints)")
            Terminal.printOut("\(signing.algorithm), created \(signing.createdAt), fingerprint \(signing.fingerprint)")
            Terminal.printOut("public key \(signing.publicKey)")
            Terminal.printOut("")
            Terminal.printOut("* current version: new case keys are wrapped under it")
        }

        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
    }
}
