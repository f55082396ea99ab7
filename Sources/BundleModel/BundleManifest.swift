import Foundation
import VaultCrypto

/// What a bundle is, signed by the vault that made it: `bundle.pdf.manifest.json` beside the PDF.
/// Holds ids, hashes, page ranges and counts only — never names or document text.
public struct BundleManifest: Codable, Sendable, Equatable {
    public static let format = "casevault-bundle-manifest/1"

    public struct Item: Codable, Sendable, Equatable {
        public var tab: Int
        public var documentID: String
        public var ciphertextSHA256: String
        /// Bundle pages, 1-based and inclusive; nil when every page of the document was left out.
        public var firstPage: Int?
        public var lastPage: Int?
        public var redactions: [String: Int]
        public var pagesLeftOut: Int

        public init(tab: Int, documentID: String, ciphertextSHA256: String, firstPage: Int?, lastPage: Int?, redactions: [String: Int], pagesLeftOut: Int) {
            self.tab = tab
            self.documentID = documentID
            self.ciphertextSHA256 = ciphertextSHA256
            self.firstPage = firstPage
            self.lastPage = lastPage
            self.redactions = redactions
            self.pagesLeftOut = pagesLeftOut
        }

        enum CodingKeys: String, CodingKey {
            case tab, redactions
            case documentID = "document_id"
            case ciphertextSHA256 = "ciphertext_sha256"
            case firstPage = "first_page"
            case lastPage = "last_page"
            case pagesLeftOut = "pages_left_out"
        }
    }

    public struct Signature: Codable, Sendable, Equatable {
        public var algorithm: String
        public var publicKey: String
        public var value: String

        enum CodingKeys: String, CodingKey { case algorithm, value, publicKey = "public_key" }
    }

    public var format: String
    public var vaultID: String
    public var caseID: String
    public var bundleID: String
    public var created: String
    public var creator: String
    public var recipient: String
    public var pages: Int
    public var pdfSHA256: String
    public var items: [Item]
    public var signature: Signature?

    enum CodingKeys: String, CodingKey {
        case format, created, creator, recipient, pages, items, signature
        case vaultID = "vault_id"
        case caseID = "case_id"
        case bundleID = "bundle_id"
        case pdfSHA256 = "pdf_sha256"
    }

    public init(vaultID: String, caseID: String, bundleID: String, created: String, creator: String, recipient: String, pages: Int,
                pdfSHA256: String, items: [Item]) {
        self.format = Self.format
        self.vaultID = vaultID
        self.caseID = caseID
        self.bundleID = bundleID
        self.created = created
        self.creator = creator
        self.recipient = recipient
        self.pages = pages
        self.pdfSHA256 = pdfSHA256
        self.items = items
    }

    /// The bytes the signature covers: every field but the signature, keys sorted, no whitespace.
    func signedBytes() throws -> [UInt8] {
        var unsigned = self
        unsigned.signature = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(unsigned))
    }

    public func signed(with key: Ed25519.PrivateKey) throws -> BundleManifest {
        var copy = self
        copy.signature = nil
        let signature = try key.signature(for: try copy.signedBytes())
        copy.signature = Signature(algorithm: "ed25519", publicKey: Data(key.publicKey.rawRepresentation).base64EncodedString(),
                                   value: Data(signature).base64EncodedString())
        return copy
    }

    /// The file as written: pretty, sorted keys, one trailing newline. `verify` insists on exactly this form,
    /// so no byte of the file can change without the check failing.
    public func fileBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }
}

public enum BundleVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    case manifestUnreadable(String)
    case manifestAltered
    case unsigned
    case wrongSigner(expected: String, found: String)
    case badSignature
    case pdfAltered(expected: String, found: String)

    public var description: String {
        switch self {
        case .manifestUnreadable(let reason): "the manifest is not a casevault bundle manifest (\(reason))"
        case .manifestAltered: "the manifest has been changed since it was written (it is not in the form casevault writes)"
        case .unsigned: "the manifest carries no signature"
        case .wrongSigner(let expected, let found):
            "the manifest was signed by another key (signed by \(found), expected \(expected))"
        case .badSignature: "the manifest's signature does not match its contents: it has been changed"
        case .pdfAltered(let expected, let found): "the PDF has been changed since it was signed (SHA-256 \(found), the manifest says \(expected))"
        }
    }
}

public enum BundleVerifier {
    /// Checks that `manifestBytes` is a manifest signed by `trustedKey` and that `pdfBytes` is the PDF it describes.
    /// Fails closed: anything unexpected is an error.
    public static func verify(pdf pdfBytes: [UInt8], manifest manifestBytes: [UInt8], trustedKey: Ed25519.PublicKey) throws -> BundleManifest {
        let manifest: BundleManifest
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(manifestBytes))
        } catch {
            throw BundleVerificationError.manifestUnreadable("not valid JSON of the expected shape")
        }
        guard manifest.format == BundleManifest.format else { throw BundleVerificationError.manifestUnreadable("format \(manifest.format)") }
        guard try manifest.fileBytes() == manifestBytes else { throw BundleVerificationError.manifestAltered }
        guard let signature = manifest.signature else { throw BundleVerificationError.unsigned }
        let trusted = Data(trustedKey.rawRepresentation).base64EncodedString()
        guard signature.algorithm == "ed25519", signature.publicKey == trusted else {
            throw BundleVerificationError.wrongSigner(expected: fingerprint(base64: trusted), found: fingerprint(base64: signature.publicKey))
        }
        guard let value = Data(base64Encoded: signature.value),
              trustedKey.isValidSignature(Array(value), for: try manifest.signedBytes()) else {
            throw BundleVerificationError.badSignature
        }
        let digest = try HashFunction.sha256.hash(pdfBytes).hexString
        guard digest == manifest.pdfSHA256 else { throw BundleVerificationError.pdfAltered(expected: manifest.pdfSHA256, found: digest) }
        return manifest
    }

    /// A short, printable name for a public key (SHA-256 of the key, first 8 bytes in hex pairs) — the same
    /// form `keys show` prints.
    public static func fingerprint(base64 key: String) -> String {
        guard let raw = Data(base64Encoded: key), let digest = try? HashFunction.sha256.hash(Array(raw)) else { return "an unreadable key" }
        return UnlockedKeys.formatFingerprint(Array(digest.prefix(8)))
    }
}
