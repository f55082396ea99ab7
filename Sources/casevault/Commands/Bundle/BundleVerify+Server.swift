import BundleModel
import Foundation
import VaultClient
import VaultCore

extension CaseVault.BundleCommand.VerifyBundle {
    struct ServerVerified: Decodable {
        let verified: Bool
        let manifest: BundleManifest
        let signer: String
    }

    /// `bundle verify` over the team server: the PDF is streamed to the server with its manifest, and the server
    /// checks it against its vault's signing key (as the local command checks against the local vault's). The answer
    /// is printed as locally; a copy that is not genuine exits 5, as locally.
    func runOnServer(_ target: ServerTarget) throws {
        let manifestPath = try existingManifest()
        let manifestBytes = Array(try PrivateFiles.read(manifestPath, limit: 16 << 20))
        let reply: [UInt8]
        do {
            reply = try target.api.verifyBundle(pdfPath: path, manifest: manifestBytes)
        } catch ClientError.failed(let failure) where failure.error == "not_genuine" {
            throw CLIError("\(path) is NOT a genuine bundle: \(Self.reason(failure.message))",
                           hints: ["do not rely on this copy; export the bundle again from the vault, or ask its sender for the original"], exitCode: 5)
        } catch ClientError.failed(let failure) where failure.status == 413 {
            throw CLIError(failure.message, hints: ["check it on this computer instead, with --public-key (the 'public key' line of 'casevault keys show')"])
        }
        guard let verified = try? JSONDecoder().decode(ServerVerified.self, from: Data(reply)), verified.verified else {
            throw ClientError.unexpectedResponse(server: target.server, detail: "not the JSON the API document describes")
        }
        try show(verified.manifest, signer: verified.signer)
    }

    /// The server's words between its own framing ("this is NOT a genuine bundle of this vault: …; do not rely …").
    static func reason(_ message: String) -> String {
        var text = message
        if let range = text.range(of: "genuine bundle of this vault: ") { text = String(text[range.upperBound...]) }
        if let range = text.range(of: "; do not rely") { text = String(text[..<range.lowerBound]) }
        return text
    }
}
