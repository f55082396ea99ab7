import ArgumentParser
import Consent
import Foundation
import BundleModel
import Redaction
import VaultCrypto
import VaultCore

extension CaseVault.BundleCommand {
    struct VerifyBundle: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a bundle against its signed manifest: the PDF's SHA-256 and the vault's Ed25519 signature.",
            discussion: "Without a vault, give the vault's public key (printed by 'casevault keys show') with --public-key. Exit 0 when genuine, 5 when not.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The bundle PDF.") var path: String
        @Option(help: "The manifest (default: PATH.manifest.json).") var manifest: String?
        @Option(name: .customLong("public-key"), help: ArgumentHelp("The signing vault's public key, base64 (from 'keys show'), or a file holding it.", valueName: "KEY"))
        var publicKey: String?

        struct VerifiedOut: Encodable {
            let verified: Bool
            let manifest: BundleManifest
            let signer: String
        }

        func run() throws {
            // Over the server its vault's key is the one that counts: the server checks the copy against it.
            if publicKey == nil, let target = try global.serverTarget() { try runOnServer(target); return }
            let trusted = try trustedKey()
            let manifestPath = try existingManifest()
            let pdf = Array(try PrivateFiles.read(path, limit: 4 << 30))
            let manifestBytes = Array(try PrivateFiles.read(manifestPath, limit: 16 << 20))
            let verified: BundleManifest
            do {
                verified = try BundleVerifier.verify(pdf: pdf, manifest: manifestBytes, trustedKey: trusted)
            } catch let error as BundleVerificationError {
                throw CLIError("\(path) is NOT a genuine bundle: \(error.description)",
                               hints: ["do not rely on this copy; export the bundle again from the vault, or ask its sender for the original"], exitCode: 5)
            }
            try show(verified, signer: BundleVerifier.fingerprint(base64: Data(trusted.rawRepresentation).base64EncodedString()))
        }

        func existingManifest() throws -> String {
            let manifestPath = manifest ?? path + ".manifest.json"
            guard FileManager.default.fileExists(atPath: manifestPath) else {
                throw CLIError("there is no manifest at \(manifestPath), so \(path) cannot be checked",
                               hints: ["the manifest is written beside the PDF as PDF.manifest.json; point --manifest at it if it was moved"])
            }
            return manifestPath
        }

        /// What a genuine bundle's check prints, checked here or by the server.
        func show(_ verified: BundleManifest, signer: String) throws {
            if global.json { try global.emitJSON(VerifiedOut(verified: true, manifest: verified, signer: signer)); return }
            Terminal.printOut("OK: \(path) is the bundle the vault signed")
            Terminal.printFields([
                ("bundle", verified.bundleID), ("case", verified.caseID), ("vault", verified.vaultID), ("created", verified.created),
                ("by", verified.creator), ("for", verified.recipient), ("pages", String(verified.pages)),
                ("documents", verified.items.map(\.documentID).joined(separator: ", ")),
                ("redactions", String(verified.items.reduce(0) { $0 + $1.redactions.values.reduce(0, +) })),
                ("pdf sha256", verified.pdfSHA256), ("signed by", signer),
            ])
        }

        private func trustedKey() throws -> Ed25519.PublicKey {
            if let publicKey {
                var text = publicKey
                if FileManager.default.fileExists(atPath: publicKey) {
                    text = String(decoding: try PrivateFiles.read(publicKey, limit: 4096), as: UTF8.self)
                }
                guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                      let key = try? Ed25519.PublicKey(rawRepresentation: Array(raw)) else {
                    throw CLIError("--public-key is not an Ed25519 public key", hints: ["copy the 'public key' line printed by 'casevault keys show' on the vault that made the bundle"])
                }
                return key
            }
            do {
                return try Vault(try global.openVault(), actor: global.advocate).signingPublicKey
            } catch {
                throw CLIError("no key to check the signature against: give --public-key, or run where the vault is",
                               reasons: [(CLIError.presenting(error)?.message ?? "the vault could not be opened")],
                               hints: ["the vault's public key is the 'public key' line of 'casevault keys show'"])
            }
        }
    }
}
