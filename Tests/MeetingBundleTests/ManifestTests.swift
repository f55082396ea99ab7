import Foundation
import MeetingBundle
import VaultCrypto
import XCTest

final class ManifestTests: XCTestCase {
    private func signedBundle() throws -> (pdf: [UInt8], manifest: [UInt8], key: Ed25519.PrivateKey) {
        let key = try Ed25519.PrivateKey.generate()
        let letter = BundleFixtures.source("doc-letter", name: "letter.txt", mediaType: "text/plain", date: "2026-02-10",
                                           bytes: Array(BundleFixtures.letter.utf8))
        let result = try BundleExporter(request: BundleFixtures.request(), sources: [letter], ocr: nil).export(signingKey: key)
        return (result.pdf, try result.manifest.fileBytes(), key)
    }

    func testAFreshBundleVerifies() throws {
        let (pdf, manifest, key) = try signedBundle()
        let verified = try BundleVerifier.verify(pdf: pdf, manifest: manifest, trustedKey: key.publicKey)
        XCTAssertEqual(verified.caseID, "C-0001")
        XCTAssertEqual(verified.items.map(\.documentID), ["doc-letter"])
        XCTAssertEqual(verified.pdfSHA256, try HashFunction.sha256.hash(pdf).hexString)
        XCTAssertFalse(String(decoding: manifest, as: UTF8.self).contains("Quenby"), "the manifest holds ids and counts only")
    }

    func testEveryChangedByteOfThePDFIsCaught() throws {
        let (pdf, manifest, key) = try signedBundle()
        for position in stride(from: 0, to: pdf.count, by: max(1, pdf.count / 40)) {
            var changed = pdf
            changed[position] ^= 0x01
            XCTAssertThrowsError(try BundleVerifier.verify(pdf: changed, manifest: manifest, trustedKey: key.publicKey)) {
                guard case .pdfAltered? = $0 as? BundleVerificationError else { return XCTFail("byte \(position): \($0)") }
            }
        }
    }

    func testEveryChangedByteOfTheManifestIsCaught() throws {
        let (pdf, manifest, key) = try signedBundle()
        for position in manifest.indices {
            var changed = manifest
            changed[position] ^= 0x01
            XCTAssertThrowsError(try BundleVerifier.verify(pdf: pdf, manifest: changed, trustedKey: key.publicKey), "byte \(position)")
        }
    }

    func testAManifestSignedByAnotherVaultIsRefused() throws {
        let (pdf, manifest, _) = try signedBundle()
        let other = try Ed25519.PrivateKey.generate()
        XCTAssertThrowsError(try BundleVerifier.verify(pdf: pdf, manifest: manifest, trustedKey: other.publicKey)) {
            guard case .wrongSigner? = $0 as? BundleVerificationError else { return XCTFail("\($0)") }
        }
        // Re-signed by the other key after an edit: the signature is valid, but not the trusted vault's.
        var decoded = try JSONDecoder().decode(BundleManifest.self, from: Data(manifest))
        decoded.caseID = "C-9999"
        let forged = try decoded.signed(with: other).fileBytes()
        let (_, _, original) = try signedBundle()
        XCTAssertThrowsError(try BundleVerifier.verify(pdf: pdf, manifest: forged, trustedKey: original.publicKey))
        XCTAssertNoThrow(try BundleVerifier.verify(pdf: pdf, manifest: forged, trustedKey: other.publicKey), "the forger's own key accepts it, as it should")
    }
}
