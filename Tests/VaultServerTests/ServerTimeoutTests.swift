import Foundation
import XCTest
@testable import VaultServer
#if canImport(Glibc)
import Glibc
#endif

/// Slow clients (slowloris): a second server on ServerAPITests' vault, plain HTTP on loopback with short timeouts, and
/// a raw socket that sends part of a request and waits to see when the server closes the connection.
extension ServerAPITests {
    /// What one raw connection saw: the bytes the server sent, and after how long it closed (nil: still open when the
    /// client gave up).
    struct RawExchange {
        let received: Data
        let closedAfter: Double?
    }

    /// Connects to 127.0.0.1:port, sends `bytes`, then reads until the server closes or `wait` seconds pass. On a
    /// thread of its own: the server under test runs on this process's cooperative threads.
    static func rawExchange(port: Int, send bytes: String, wait: Double) async throws -> RawExchange {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { return continuation.resume(throwing: POSIXError(.EIO)) }
                defer { close(fd) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else { return continuation.resume(throwing: POSIXError(.ECONNREFUSED)) }
                var slice = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &slice, socklen_t(MemoryLayout<timeval>.size))
                let start = Date()
                _ = Array(bytes.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var received = Data()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while Date().timeIntervalSince(start) < wait {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count > 0 { received.append(contentsOf: buffer[0..<count]); continue }
                    if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                        return continuation.resume(returning: RawExchange(received: received, closedAfter: Date().timeIntervalSince(start)))
                    }
                }
                continuation.resume(returning: RawExchange(received: received, closedAfter: nil))
            }
        }
    }

    func testASlowClientIsCutOffWithinTheConfiguredTimeouts() async throws {
        let w = try await world()
        var config = w.config
        config.tls = nil
        config.developmentPlainHTTP = true
        config.timeouts = .init(headerReadSeconds: 1, bodyReadSeconds: 1.5, idleSeconds: 3)
        let server = try VaultServer(config: config)
        let ready = PortBox()
        let task = Task {
            try await server.withApplication(onRunning: { ready.set($0) }) { app, _ in try await app.runService(gracefulShutdownSignals: []) }
        }
        defer { task.cancel() }
        var port: Int?
        for _ in 0..<600 where port == nil {
            port = ready.port
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let served = try XCTUnwrap(port, "the second server did not start")
        let margin = 2.0

        // The control: a whole request is answered.
        let whole = try await Self.rawExchange(port: served, send: "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", wait: 10)
        XCTAssertTrue(String(decoding: whole.received, as: UTF8.self).hasPrefix("HTTP/1.1 200"), String(decoding: whole.received, as: UTF8.self))

        // Half a head, then nothing: closed after the header timeout (1 s), not before, and without an answer.
        let head = try await Self.rawExchange(port: served, send: "POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Ty", wait: 10)
        let headClosed = try XCTUnwrap(head.closedAfter, "a partial head holds the connection open")
        XCTAssertGreaterThanOrEqual(headClosed, 0.9)
        XCTAssertLessThan(headClosed, 1 + margin)
        XCTAssertTrue(head.received.isEmpty, String(decoding: head.received, as: UTF8.self))

        // A whole head, part of the body, then nothing: closed after the body timeout (1.5 s).
        let body = try await Self.rawExchange(port: served, send: "POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                                  + "Content-Length: 200\r\n\r\n{\"identity\": \"AAAA", wait: 10)
        let bodyClosed = try XCTUnwrap(body.closedAfter, "a stalled body holds the connection open")
        XCTAssertGreaterThanOrEqual(bodyClosed, 1.4)
        XCTAssertLessThan(bodyClosed, 1.5 + margin)

        // Nothing at all after connecting: the header timeout too.
        let silent = try await Self.rawExchange(port: served, send: "", wait: 10)
        let silentClosed = try XCTUnwrap(silent.closedAfter, "a silent connection stays open")
        XCTAssertLessThan(silentClosed, 1 + margin)

        // A kept-alive connection: the first request is answered, then the idle timeout (3 s) closes it.
        let kept = try await Self.rawExchange(port: served, send: "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", wait: 10)
        XCTAssertTrue(String(decoding: kept.received, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        let keptClosed = try XCTUnwrap(kept.closedAfter, "an idle connection stays open")
        XCTAssertGreaterThanOrEqual(keptClosed, 2.9)
        XCTAssertLessThan(keptClosed, 3 + margin)

        // Still serving.
        let after = try await Self.rawExchange(port: served, send: "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", wait: 10)
        XCTAssertTrue(String(decoding: after.received, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        task.cancel()
        _ = try? await task.value
    }
}
