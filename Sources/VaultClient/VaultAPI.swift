import Foundation
import NIOHTTP1
import VaultCrypto

/// The team server's routes (Sources/VaultServer/Resources/openapi.yaml) as calls: transport only. Every decision —
/// who may, which consent, what is a duplicate — is the server's core's; this turns its answers into values or
/// `ClientError`s, and decides nothing.
public struct VaultAPI: Sendable {
    public let client: HTTPSClient
    let session: ServerSession?

    /// For the routes that need a session.
    public init(session: ServerSession, timeouts: HTTPSClient.Timeouts = .init()) throws {
        client = try HTTPSClient(server: try session.address, trust: session.trust, timeouts: timeouts)
        self.session = session
    }

    /// For logging in.
    public init(server: ServerAddress, trust: TrustAnchor, timeouts: HTTPSClient.Timeouts = .init()) throws {
        client = try HTTPSClient(server: server, trust: trust, timeouts: timeouts)
        session = nil
    }

    var server: String { client.server.description }

    // MARK: - Sessions

    /// POST /api/v1/login with the identity file's bytes and its passphrase. The JSON is built in a byte array that is
    /// wiped afterwards (a Swift String holding the passphrase could not be).
    /// `loginCode`: the authenticator app's current code, for an account that has turned login codes on. The server
    /// never says whether an account needs one (a failed login looks the same whatever failed), so it is sent when given.
    public func login(identityFile: [UInt8], passphrase: SecureBytes, loginCode: String? = nil) throws -> LoginResult {
        var body: [UInt8] = []
        // Room for the worst case (every byte escaped as \u00XX), so no partial copy is left behind by a reallocation.
        body.reserveCapacity(identityFile.count * 4 / 3 + 64 + passphrase.count * 6)
        body += Array("{\"identity\":\"".utf8)
        body += Array(Data(identityFile).base64EncodedString().utf8)
        body += Array("\",\"passphrase\":\"".utf8)
        passphrase.withUnsafeBytes { JSONText.appendEscaped($0, to: &body) }
        if let loginCode { body += Array("\",\"totp\":\"".utf8) + Array(loginCode.filter(\.isNumber).utf8) }
        body += Array("\"}".utf8)
        defer { secureZero(&body) }
        let response = try client.send(.POST, "/api/v1/login", headers: [("Content-Type", "application/json")], body: .bytes(body))
        let bytes = try response.bytes()
        switch response.status {
        case 200: return try decode(LoginResult.self, bytes)
        case 401: throw ClientError.loginFailed(message: (try? decode(APIFailure.self, bytes).message) ?? "login failed")
        case 429: throw ClientError.tooManyAttempts(retryAfterSeconds: response.header("Retry-After").flatMap { Int($0) })
        default: throw failure(response.status, bytes)
        }
    }

    /// POST /api/v1/logout. A session the server has already ended is not an error here: the goal is reached.
    public func logout() throws {
        let response = try client.send(.POST, "/api/v1/logout", headers: try authorized())
        let bytes = try response.bytes()
        guard response.status == 204 || response.status == 200 || response.status == 401 else { throw failure(response.status, bytes) }
    }

    // MARK: - Cases and documents

    /// GET /api/v1/cases: the JSON, as `case list --json` prints its cases.
    public func cases() throws -> [UInt8] {
        try json(.GET, "/api/v1/cases")
    }

    /// GET /api/v1/cases/{case}/documents.
    public func documents(caseID: String, acknowledging: [String]) throws -> [UInt8] {
        try json(.GET, "/api/v1/cases/\(Path.segment(caseID))/documents" + Path.query(acknowledging.map { ("acknowledge", $0) }))
    }

    /// GET /api/v1/documents/{id}/content, piece by piece into `sink`. Nothing reaches the sink unless the server said
    /// 200; a body cut short throws after the pieces already given (the caller keeps no partial file).
    public func content(documentID: String, acknowledging: [String], into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let response = try client.send(.GET, "/api/v1/documents/\(Path.segment(documentID))/content"
                                       + Path.query(acknowledging.map { ("acknowledge", $0) }), headers: try authorized())
        guard response.status == 200 else { throw failure(response.status, try response.bytes()) }
        try response.stream(sink)
    }

    public struct Upload: Sendable {
        public var kind: String?
        public var date: String?
        public var allowDuplicate = false
        public var acknowledging: [String] = []
        public init(kind: String? = nil, date: String? = nil, allowDuplicate: Bool = false, acknowledging: [String] = []) {
            self.kind = kind
            self.date = date
            self.allowDuplicate = allowDuplicate
            self.acknowledging = acknowledging
        }
    }

    /// The upload route's answer: "stored" with an id, or "duplicate" naming the document that holds the content.
    public struct Uploaded: Decodable, Sendable {
        public let status: String
        public let id: String?
        public let duplicateOf: String?
        public let size: Int64?
        public let warning: String?
        public let message: String?
        enum CodingKeys: String, CodingKey {
            case status, id, size, warning, message
            case duplicateOf = "duplicate_of"
        }
    }

    /// POST /api/v1/cases/{case}/documents with the file's bytes streamed from `path` (constant memory), its name in
    /// `X-Document-Name`, percent-encoded.
    public func upload(caseID: String, path: String, name: String, options: Upload) throws -> Uploaded {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ClientError.localFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw ClientError.localFile(path: path, reason: "not a regular file") }
        var query: [(String, String)] = options.acknowledging.map { ("acknowledge", $0) }
        if let kind = options.kind { query.append(("kind", kind)) }
        if let date = options.date { query.append(("date", date)) }
        if options.allowDuplicate { query.append(("allow_duplicate", "true")) }
        let response = try client.send(.POST, "/api/v1/cases/\(Path.segment(caseID))/documents" + Path.query(query),
                                       headers: try authorized() + [("X-Document-Name", Path.encode(name)), ("Content-Type", "application/octet-stream")],
                                       body: .file(descriptor: fd, length: Int64(info.st_size), path: path))
        let bytes = try response.bytes()
        guard response.status == 200 || response.status == 201 else { throw failure(response.status, bytes) }
        return try decode(Uploaded.self, bytes)
    }

    // MARK: - Consents

    /// GET /api/v1/cases/{case}/consents, as `consent list --json` prints them (under "consents").
    public func consents(caseID: String) throws -> [UInt8] {
        try json(.GET, "/api/v1/cases/\(Path.segment(caseID))/consents")
    }

    /// POST /api/v1/consents/{id}/withdraw.
    public func withdraw(consentID: String, receivedBy: String, date: String?) throws -> [UInt8] {
        var fields = ["received_by": receivedBy]
        if let date { fields["date"] = date }
        return try json(.POST, "/api/v1/consents/\(Path.segment(consentID))/withdraw", body: Array(try JSONEncoder().encode(fields)))
    }

    // MARK: - Plumbing

    func authorized() throws -> [(String, String)] {
        guard let session else { throw ClientError.notLoggedIn(server: server) }
        return [session.authorization]
    }

    func json(_ method: HTTPMethod, _ target: String, body: [UInt8]? = nil) throws -> [UInt8] {
        var headers = try authorized()
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try client.send(method, target, headers: headers, body: body.map { .bytes($0) } ?? .none)
        let bytes = try response.bytes()
        guard (200..<300).contains(response.status) else { throw failure(response.status, bytes) }
        return bytes
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ClientError.unexpectedResponse(server: server, detail: "not the JSON the API document describes")
        }
    }

    /// An error answer: 401 ends the session, 403 is the rules' refusal with its decision, the rest keep their words.
    func failure(_ status: Int, _ bytes: [UInt8]) -> ClientError {
        if status == 401 { return .sessionEnded(server: server) }
        guard var failure = try? JSONDecoder().decode(APIFailure.self, from: Data(bytes)) else {
            return .unexpectedResponse(server: server, detail: "HTTP \(status)")
        }
        failure.status = status
        return status == 403 ? .refused(failure) : .failed(failure)
    }
}

/// Percent-encoding for the few places ids and names go into a request.
enum Path {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func segment(_ text: String) -> String { encode(text) }

    static func query(_ items: [(String, String)]) -> String {
        items.isEmpty ? "" : "?" + items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

enum JSONText {
    /// A JSON string's contents: quote, backslash and control characters escaped, other UTF-8 bytes as they are.
    static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
    }
}
