import Foundation
import MeetingBundle
import VaultCrypto

// The bundle manifest verifier on arbitrary bytes, against a fixed trusted key and PDF: it must refuse
// (typed error) or accept, never crash. The seed corpus holds a manifest genuinely signed by this key for
// this PDF, so mutations start from inside the signature check rather than at the JSON parser.
private let trustedKey = try! Ed25519.PrivateKey(seed: SecureBytes(copying: [UInt8](repeating: 7, count: 32))).publicKey
private let pdf = Array("%PDF-1.5 fuzz bundle\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let manifest = Array(UnsafeBufferPointer(start: data, count: size))
    if let verified = try? BundleVerifier.verify(pdf: pdf, manifest: manifest, trustedKey: trustedKey) {
        // Anything accepted must be exactly what the key signed: re-encoding gives the same bytes.
        precondition((try? verified.fileBytes()) == manifest, "an accepted manifest is not in its signed form")
    }
    return 0
}
