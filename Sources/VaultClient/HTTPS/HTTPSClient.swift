import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

// Why NIOHTTP1 + NIOSSL and not async-http-client: casevault already links swift-nio and swift-nio-ssl (PostgresNIO
// brings them), and the server build compiles NIOHTTP1 for Hummingbird, so this client adds nothing to build. AHC is
// in Package.resolved (Hummingbird's test tooling) but not compiled: it would add AHC itself (~16 000 lines),
// swift-nio-http2 with HPACK (~30 000), NIOSOCKS, NIOHTTPCompression, swift-algorithms and swift-configuration to every
// CI build, for one request per connection that this file does in a few hundred lines. (2026-12-06: see the commit.)

/// What the client trusts to sign the server's certificate: the system's roots, or the CA a person gave at login
/// (its PEM kept in the session file, so a later change to that file changes nothing). There is deliberately no way
/// to turn verification off.
public enum TrustAnchor: Equatable, Sendable {
    case systemRoots
    case pinnedCA(pem: [UInt8])
}

/// A small HTTPS/1.1 client on NIO: one connection per request (`Connection: close`), TLS 1.2 or later with full
/// certificate and host-name verification, a connect timeout, a read timeout counted while waiting for the server, and
/// bodies streamed both ways with bounded memory. Synchronous: the CLI's commands are.
public final class HTTPSClient: Sendable {
    public struct Timeouts: Sendable {
        public var connectSeconds: Int
        public var readSeconds: Int
        public init(connectSeconds: Int = 10, readSeconds: Int = 120) {
            self.connectSeconds = connectSeconds
            self.readSeconds = readSeconds
        }
    }

    public let server: ServerAddress
    let timeouts: Timeouts
    private let tls: NIOSSLContext

    public init(server: ServerAddress, trust: TrustAnchor, timeouts: Timeouts = .init()) throws {
        self.server = server
        self.timeouts = timeouts
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        switch trust {
        case .systemRoots:
            configuration.trustRoots = .default
        case .pinnedCA(let pem):
            configuration.trustRoots = .certificates(try Self.certificates(pem: pem, path: "the CA pinned at login"))
        }
        do {
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ClientError.certificateRejected(server: server.description, reason: String(describing: error))
        }
    }

    /// The certificates of a PEM file; at least one.
    public static func certificates(pem: [UInt8], path: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw ClientError.unusableCAFile(path: path, reason: "it is not a PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        guard !certificates.isEmpty else {
            throw ClientError.unusableCAFile(path: path, reason: "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    public enum Body {
        case none
        case bytes([UInt8])
        /// An open file read from its current offset, `length` bytes, in 64 KB pieces (never whole in memory).
        case file(descriptor: Int32, length: Int64, path: String)
    }

    /// Sends one request and returns once the response's head has arrived; read the body from the response.
    public func send(_ method: HTTPMethod, _ target: String, headers extra: [(String, String)] = [], body: Body = .none) throws -> HTTPSResponse {
        let stream = ResponseStream()
        let channel = try connect(stream: stream)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: server.authority)
        headers.add(name: "User-Agent", value: "casevault-cli")
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Accept", value: "application/json, */*")
        for (name, value) in extra { headers.add(name: name, value: value) }
        switch body {
        case .none: if method == .POST { headers.add(name: "Content-Length", value: "0") }
        case .bytes(let bytes): headers.add(name: "Content-Length", value: String(bytes.count))
        case .file(_, let length, _): headers.add(name: "Content-Length", value: String(length))
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)
        var writeFailure: (any Error)?
        do {
            // Each write is flushed before it is waited for: an unflushed write's future would wait for ever.
            try channel.writeAndFlush(HTTPClientRequestPart.head(head)).wait()
            switch body {
            case .none: break
            case .bytes(let bytes): try channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: bytes)))).wait()
            case .file(let fd, let length, let path): try writeFile(fd, length: length, path: path, to: channel)
            }
            try channel.writeAndFlush(HTTPClientRequestPart.end(nil)).wait()
        } catch ClientError.localFile(let path, let reason) {
            channel.close(promise: nil)
            throw ClientError.localFile(path: path, reason: reason)
        } catch {
            // The server may have answered early and closed (a refusal before the body, a body over its limit):
            // its answer, if one arrived, says more than the failed write.
            writeFailure = error
        }
        let response = HTTPSResponse(channel: channel, stream: stream, server: server.description, readSeconds: timeouts.readSeconds)
        do {
            try response.readHead()
        } catch {
            channel.close(promise: nil)
            if let writeFailure, case ClientError.connectionLost = error { throw TransportErrors.classify(writeFailure, server: server.description) }
            throw error
        }
        return response
    }

    private func connect(stream: ResponseStream) throws -> any Channel {
        let context = tls
        let hostname = server.isIPAddress ? nil : server.host
        let name = server.description
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(timeouts.connectSeconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: hostname))
                    try operations.addHTTPClientHandlers()
                    try operations.addHandler(ResponseHandler(stream: stream, server: name))
                }
            }
        do {
            return try bootstrap.connect(host: server.host, port: server.port).wait()
        } catch {
            throw TransportErrors.connectFailure(error, server: name, timeoutSeconds: timeouts.connectSeconds)
        }
    }

    /// Each piece is written before the next is read, so memory stays one piece; a file that ends early is an error
    /// (the server would otherwise wait for bytes that never come).
    private func writeFile(_ fd: Int32, length: Int64, path: String, to channel: any Channel) throws {
        var remaining = length
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while remaining > 0 {
            let want = Int(min(Int64(buffer.count), remaining))
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ClientError.localFile(path: path, reason: String(cString: strerror(errno)))
            }
            guard got > 0 else { throw ClientError.localFile(path: path, reason: "the file became shorter while it was being sent") }
            remaining -= Int64(got)
            try channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: buffer[0..<got])))).wait()
        }
    }
}

/// A response whose head has arrived; its body is read once, whole (`bytes`) or piece by piece (`stream`).
public final class HTTPSResponse {
    public private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    private let channel: any Channel
    private let stream: ResponseStream
    private let server: String
    private let readSeconds: Int

    init(channel: any Channel, stream: ResponseStream, server: String, readSeconds: Int) {
        self.channel = channel
        self.stream = stream
        self.server = server
        self.readSeconds = readSeconds
    }

    deinit { channel.close(promise: nil) }

    public func header(_ name: String) -> String? { headers.first(name: name) }

    fileprivate func readHead() throws {
        switch try nextPart() {
        case .head(let head):
            status = Int(head.status.code)
            headers = head.headers
        case .failed(let error): throw error
        default: throw ClientError.unexpectedResponse(server: server, detail: "no response head")
        }
    }

    /// The whole body, refused past `limit` bytes (an API answer is small; documents are streamed).
    public func bytes(limit: Int = 32 << 20) throws -> [UInt8] {
        var collected: [UInt8] = []
        try stream { piece in
            guard collected.count + piece.count <= limit else {
                throw ClientError.unexpectedResponse(server: server, detail: "an answer larger than \(limit) bytes")
            }
            collected.append(contentsOf: piece)
        }
        return collected
    }

    /// Hands each piece of the body to `sink` as it arrives; throws if the connection ends before the body does
    /// (a `Content-Length` body cut short is an error, never a shorter document).
    public func stream(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { channel.close(promise: nil) }
        while true {
            switch try nextPart() {
            case .body(let buffer): try buffer.withUnsafeReadableBytes { try sink($0) }
            case .end: return
            case .failed(let error): throw error
            case .head: throw ClientError.unexpectedResponse(server: server, detail: "a second response head")
            }
        }
    }

    private func nextPart() throws -> ResponseStream.Part {
        guard let part = stream.next(timeout: TimeInterval(readSeconds)) else {
            channel.close(promise: nil)
            throw ClientError.timedOut(server: server, seconds: readSeconds)
        }
        return part
    }
}
