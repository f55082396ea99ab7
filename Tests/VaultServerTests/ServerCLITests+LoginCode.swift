import Foundation
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// `casevault login --totp CODE` for an account that has turned login codes on: without the code the login fails
/// the one generic way and the hint names --totp; with the app's current code it logs in.
extension ServerCLITests {
    /// A world with Robin Shaw, who has turned login codes on, and the code their app shows at a moment. The
    /// confirming code's step is used up: the server's clock moves to the next one (reset it when done).
    func accountWithLoginCodes() async throws -> (ServerTestWorld, String, (Date) throws -> String) {
        let w = try await world()
        let robin = try w.addAccount("Robin Shaw", org: w.org1)
        let enrolment = try w.open(as: robin).enrolTOTP()
        let secret = try XCTUnwrap(Base32.decode(enrolment.secretBase32))
        let totp = TOTP()
        let code = { (date: Date) throws -> String in try totp.code(secret: secret, step: totp.step(at: Int64(date.timeIntervalSince1970))) }
        try w.open(as: robin).confirmTOTP(code: try code(Date()))
        w.clock.advance(30)
        return (w, robin, code)
    }

    func testLoginTakesTheLoginCodeOfAnAccountThatTurnedCodesOn() async throws {
        let (w, robin, code) = try await accountWithLoginCodes()
        defer { w.clock.reset() }
        let desk = try Desk(w, as: robin)

        let without = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate])
        XCTAssertEqual(without.code, 1, without.err)
        XCTAssertTrue(without.err.contains("add --totp CODE"), without.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath), "no session is kept")
        let malformed = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate, "--totp", "12ab56"])
        XCTAssertEqual(malformed.code, 64, malformed.err)

        let with = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate, "--totp", try code(w.clock.now)])
        XCTAssertEqual(with.code, 0, with.err)
        XCTAssertTrue(with.out.contains("as Robin Shaw (\(robin))"), with.out)
        let cases = try await cli(desk, ["case", "list", "--json"])
        XCTAssertEqual(cases.code, 0, cases.err)
    }

    /// On a terminal, a login the server refuses without a code asks for it once: Enter alone stops with the usual
    /// failure and no session; the app's code (typed with its space) logs in.
    func testLoginOnATerminalAsksForTheCode() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux's script(1) is missing: it gives the login a terminal")
        }
        let (w, robin, code) = try await accountWithLoginCodes()
        defer { w.clock.reset() }
        let desk = try Desk(w, as: robin)
        func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = ([try Self.binary(), "login", "--server", url(w), "--ca-file", w.certificate]).map(quoted).joined(separator: " ")
        // script(1) runs the login on a pseudo-terminal and types what it reads from the pipe.
        func onTerminal(typing line: String) async throws -> Run {
            try await Self.run("/bin/sh", ["-c", "printf '%s\\n' \"$TYPED\" | /usr/bin/script -qec \"$LOGIN\" /dev/null"],
                               environment: desk.environment.merging(["TYPED": line, "LOGIN": command]) { $1 }, folder: desk.home)
        }

        let stopped = try await onTerminal(typing: "")
        XCTAssertEqual(stopped.code, 1, stopped.out + stopped.err)
        XCTAssertTrue(stopped.out.contains("type the code your authenticator app shows"), stopped.out)
        XCTAssertTrue(stopped.out.contains("add --totp CODE"), stopped.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath), "no session is kept")

        let digits = try code(w.clock.now)
        let typed = try await onTerminal(typing: digits.prefix(3) + " " + digits.dropFirst(3))
        XCTAssertEqual(typed.code, 0, typed.out + typed.err)
        XCTAssertTrue(typed.out.contains("as Robin Shaw (\(robin))"), typed.out)
        let cases = try await cli(desk, ["case", "list", "--json"])
        XCTAssertEqual(cases.code, 0, cases.err)
    }
}
