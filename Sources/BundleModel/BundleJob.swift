import Foundation

/// One export's work for `casevault-pdf __bundle`: the request and the decrypted documents go in; the PDF and
/// what the manifest lists come out. casevault signs the manifest itself: the signing key never leaves it.
public struct BundleJob: Sendable {
    public enum Mode: String, Codable, Sendable {
        /// `--dry-run`: analyse and count pages, draw nothing.
        case plan
        case export
    }

    public var mode: Mode
    public var request: BundleRequest
    public var sources: [BundleSource]

    public init(mode: Mode, request: BundleRequest, sources: [BundleSource]) {
        self.mode = mode
        self.request = request
        self.sources = sources
    }

    static let magic = Array("casevault-bundle-job/1\n".utf8)

    /// Everything of a source but its bytes, which follow the header raw (JSON would triple a PDF's size).
    private struct SourceHeader: Codable {
        var documentID, name, mediaType, ingestedAt, ciphertextSHA256: String
        var documentDate: String?
    }

    private struct Header: Codable {
        var mode: Mode
        var request: BundleRequest
        var sources: [SourceHeader]
    }

    public func encoded() throws -> [UInt8] {
        let header = Header(mode: mode, request: request, sources: sources.map {
            SourceHeader(documentID: $0.documentID, name: $0.name, mediaType: $0.mediaType, ingestedAt: $0.ingestedAt,
                         ciphertextSHA256: $0.ciphertextSHA256, documentDate: $0.documentDate)
        })
        var bytes = Self.magic
        ByteFrames.append(Array(try JSONEncoder().encode(header)), to: &bytes)
        for source in sources { ByteFrames.append(source.plaintext, to: &bytes) }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> BundleJob {
        var reader = ByteFrames.Reader(bytes)
        try reader.expect(magic)
        let header = try JSONDecoder().decode(Header.self, from: Data(try reader.frame()))
        let sources = try header.sources.map { source in
            BundleSource(documentID: source.documentID, name: source.name, mediaType: source.mediaType, documentDate: source.documentDate,
                         ingestedAt: source.ingestedAt, ciphertextSHA256: source.ciphertextSHA256, plaintext: try reader.frame())
        }
        try reader.end()
        return BundleJob(mode: header.mode, request: header.request, sources: sources)
    }
}

/// What `casevault-pdf __bundle` answers: the bundle made (its manifest not yet signed), or why it was not.
public enum BundleJobAnswer: Sendable {
    case done(BundleOutcome)
    case failed(BundleJobFailure)

    static let magic = Array("casevault-bundle-answer/1\n".utf8)

    public func encoded() throws -> [UInt8] {
        var bytes = Self.magic
        switch self {
        case .done(let outcome):
            bytes.append(0)
            ByteFrames.append(Array(try JSONEncoder().encode(outcome)), to: &bytes)
            ByteFrames.append(outcome.pdf, to: &bytes)
        case .failed(let failure):
            bytes.append(1)
            ByteFrames.append(Array(try JSONEncoder().encode(failure)), to: &bytes)
        }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> BundleJobAnswer {
        var reader = ByteFrames.Reader(bytes)
        try reader.expect(magic)
        let kind = try reader.byte()
        let header = Data(try reader.frame())
        switch kind {
        case 0:
            var outcome = try JSONDecoder().decode(BundleOutcome.self, from: header)
            outcome.pdf = try reader.frame()
            try reader.end()
            return .done(outcome)
        case 1:
            try reader.end()
            return .failed(try JSONDecoder().decode(BundleJobFailure.self, from: header))
        default:
            throw ByteFrames.Malformed()
        }
    }
}

/// A bundle made, or planned (`--dry-run`: no PDF, no manifest).
public struct BundleOutcome: Sendable, Codable {
    /// Not encoded with the rest: it travels as its own frame.
    public var pdf: [UInt8] = []
    /// Unsigned; nil for a plan.
    public var manifest: BundleManifest?
    public var reports: [DocumentReport]
    public var pages: Int
    public var timings: [DocumentTiming]
    /// Nil for a plan (no leak check).
    public var leakCheckSeconds: Double?
    /// Documents left out because their analysis broke a limit.
    public var leftOut: [BundleError]
    /// Whether OCR could be used (tesseract installed, CASEVAULT_OCR not off).
    public var ocrAvailable: Bool

    public init(pdf: [UInt8], manifest: BundleManifest?, reports: [DocumentReport], pages: Int, timings: [DocumentTiming], leakCheckSeconds: Double?,
                leftOut: [BundleError], ocrAvailable: Bool) {
        self.pdf = pdf
        self.manifest = manifest
        self.reports = reports
        self.pages = pages
        self.timings = timings
        self.leakCheckSeconds = leakCheckSeconds
        self.leftOut = leftOut
        self.ocrAvailable = ocrAvailable
    }

    enum CodingKeys: String, CodingKey { case manifest, reports, pages, timings, leakCheckSeconds, leftOut, ocrAvailable }
}

/// Why the helper made no bundle, as casevault presents it.
public enum BundleJobFailure: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    case bundle(BundleError)
    /// Drawing the PDF failed (cairo, pango): the PDF library's own words, which quote no document.
    case pdf(String)
    /// Anything else; only its kind, since its text might quote a document.
    case failed(String)

    public var description: String {
        switch self {
        case .bundle(let error): error.description
        case .pdf(let reason): "the bundle could not be made: \(reason)"
        case .failed(let what): "the bundle could not be made (\(what))"
        }
    }
}

/// Length-prefixed frames (8 bytes, little-endian, then the bytes).
enum ByteFrames {
    struct Malformed: Error {}

    static func append(_ frame: [UInt8], to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt64(frame.count).littleEndian) { bytes += $0 }
        bytes += frame
    }

    struct Reader {
        private let bytes: [UInt8]
        private var at = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func expect(_ prefix: [UInt8]) throws {
            guard bytes.count - at >= prefix.count, bytes[at..<(at + prefix.count)].elementsEqual(prefix) else { throw Malformed() }
            at += prefix.count
        }

        mutating func byte() throws -> UInt8 {
            guard at < bytes.count else { throw Malformed() }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func frame() throws -> [UInt8] {
            guard bytes.count - at >= 8 else { throw Malformed() }
            let count = bytes[at..<(at + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            at += 8
            guard count <= UInt64(bytes.count - at) else { throw Malformed() }
            defer { at += Int(count) }
            return Array(bytes[at..<(at + Int(count))])
        }

        func end() throws {
            guard at == bytes.count else { throw Malformed() }
        }
    }
}
