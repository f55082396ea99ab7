import Consent
import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore
#if canImport(Glibc)
import Glibc
#endif

/// A client that asks for a large document and then stops reading: the server closes the connection after
/// `response_write_seconds` of a full outgoing buffer, which frees the stream's worker thread, and goes on serving.
extension ServerAPITests {
    /// Connects with a small receive buffer, sends `request`, reads nothing for `stall` seconds, then reads until the
    /// server closes (or `drain` seconds pass). Returns the bytes received and whether the server had closed.
    static func stalledRead(port: Int, request: String, stall: Double, drain: Double) async throws -> (Data, Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { return continuation.resume(throwing: POSIXError(.EIO)) }
                defer { close(fd) }
                var small: Int32 = 4096
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else { return continuation.resume(throwing: POSIXError(.ECONNREFUSED)) }
                _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                Thread.sleep(forTimeInterval: stall)
                var slice = timeval(tv_sec: 0, tv_usec: 200_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &slice, socklen_t(MemoryLayout<timeval>.size))
                var received = Data()
                var buffer = [UInt8](repeating: 0, count: 65536)
                let start = Date()
                while Date().timeIntervalSince(start) < drain {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count > 0 { received.append(contentsOf: buffer[0..<count]); continue }
                    if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                        return continuation.resume(returning: (received, true))
                    }
                }
                continuation.resume(returning: (received, false))
            }
        }
    }

    func testAClientThatStopsReadingADownloadIsCutOffAndItsThreadFreed() async throws {
        let w = try await world()
        var config = w.plainConfig
        config.timeouts = .init(responseWriteSeconds: 1.5)
        let (port, task) = try await w.startInstance(config)
        defer { task.cancel() }
        // A document larger than every socket buffer on the way can hold (the kernel grows a send buffer up to 4 MiB),
        // in a case of its own: 17 MB.
        let vault = try w.open(as: w.sam)
        let client = try vault.addPerson(.init(name: "Ada Pryce", dob: "1950-05-05"))
        let caseID = try vault.openCase(.init(clientID: client, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-X"))
        var consent = Vault.AuthorityInput(caseID: caseID, personID: client, kind: .verbalConsent, granteeID: w.org1,
                                           actions: ConsentAction.allCases, today: vault.today())
        consent.recordedBy = w.sam
        consent.recordedOn = vault.today()
        _ = try vault.recordAuthority(consent)
        let bytes = Data(String(repeating: "The ward's notes continue, line after line, entry by entry.\n", count: 280_000).utf8)
        let input = w.directory.appendingPathComponent("long-notes.txt")
        try bytes.write(to: input)
        let stored = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: input.path)], options: .init())
        guard case .stored(let document, _) = stored.first?.outcome else { return XCTFail("the long document was not stored") }
        try vault.writeCheckpoint()

        let token = try await w.token(w.sam)  // sessions are in the shared database: any instance serves them
        let request = "GET /api/v1/documents/\(document)/content?acknowledge=R-CON-9 HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: Bearer \(token)\r\nConnection: close\r\n\r\n"

        // The control: a client that reads at once gets the whole document.
        let (whole, wholeClosed) = try await Self.stalledRead(port: port, request: request, stall: 0, drain: 30)
        XCTAssertTrue(wholeClosed)
        XCTAssertGreaterThan(whole.count, bytes.count, "head and the whole body")

        // Reads nothing for 5 s (the limit is 1.5 s), then drains what the buffers held: the server had closed, and
        // far less than the document came.
        let started = Date()
        let (partial, closed) = try await Self.stalledRead(port: port, request: request, stall: 5, drain: 15)
        XCTAssertTrue(closed, "the server closed the stalled connection")
        XCTAssertLessThan(partial.count, bytes.count / 2, "received \(partial.count) of \(bytes.count) bytes")
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)

        let metrics = try await w.plainRequest(port: port, "GET", "/metrics")
        let line = metrics.text.split(separator: "\n").first { $0.hasPrefix("casevault_slow_readers_closed_total ") }
        XCTAssertGreaterThanOrEqual(Int(line?.split(separator: " ").last ?? "") ?? 0, 1, metrics.text)
        // More stalled readers than worker threads, one after another's limit: each is freed, and the server still serves.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<(VaultServer.workerThreads + 2) {
                group.addTask { try await Self.stalledRead(port: port, request: request, stall: 4, drain: 15).1 }
            }
            for try await closed in group { XCTAssertTrue(closed) }
        }
        let after = try await w.plainRequest(port: port, "GET", "/health")
        XCTAssertEqual(after.status, 200)
        let (again, _) = try await Self.stalledRead(port: port, request: request, stall: 0, drain: 30)
        XCTAssertGreaterThan(again.count, bytes.count, "a worker thread is free for the next download")
        task.cancel()
        _ = try? await task.value
    }
}
