import Foundation
import HelperProcess
import Synchronization
import VaultCrypto
import VaultWeb

/// What the bundle and verify pages need from the server: the configured `casevault-pdf` and the vault's
/// bundle-signing public key for the public verify page (the upload limit is a stored property).
extension WebSessionBackend {
    func bundleHelper() throws -> PDFHelper {
        try analysisProgram.map(PDFHelper.init(program:)) ?? PDFHelper()
    }

    func bundleVerificationKey() -> Ed25519.PublicKey? { sessions.gateway.signingKey.known }
}

/// The vault's signing public key, learned the first time any request opens the vault. The key is stored only wrapped
/// to accounts (`Vault+Secrets`), so a server holding no identity cannot read it before someone signs in; after
/// that the public verify page can check bundles without anyone's session. Only the public half is kept.
final class LearnedSigningKey: Sendable {
    private let key = Mutex<Ed25519.PublicKey?>(nil)

    var known: Ed25519.PublicKey? { key.withLock { $0 } }

    func learn(_ publicKey: Ed25519.PublicKey) {
        key.withLock { if $0 == nil { $0 = publicKey } }
    }
}
