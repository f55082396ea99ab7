import Foundation
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// `casevault login --totp CODE` for an account that has turned login codes on: without the code the login fails
/// the one generic way and the hint names --totp; with the app's current code it logs in.
extension ServerCLITests {
    /// A world with Robin Shaw, who has turned login codes on, and the code their app shows at a moment.
    func accountWithLoginCodes() async throws -> (ServerTestWorld, String, (Date) throws -> String) {
        let w = try await world()
        let robin = try w.addAccount("Robin Shaw", org: w.org1)
        return (w, robin, try turnOnLoginCodes(robin, in: w))
    }

    /// Turns login codes on for `account`; the code its app shows at a moment. The confirming code's step is used up:
    /// the server's clock moves to the next one (reset it when done).
    func turnOnLoginCodes(_ account: String, in w: ServerTestWorld) throws -> (Date) throws -> String {
        let enrolment = try w.open(as: account).enrolTOTP()
        let secret = try XCTUnwrap(Base32.decode(enrolment.secretBase32))
        let totp = TOTP()
        let code = { (date: Date) throws -> String in try totp.code(secret: secret, step: totp.step(at: Int64(date.timeIntervalSince1970))) }
        try w.open(as: account).confirmTOTP(code: try code(Date()))
        w.clock.advance(30)
        return code
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

    /// Runs the CLI on a pseudo-terminal (script(1)), typing `line` and Enter.
    func onTerminal(_ desk: Desk, _ arguments: [String], typing line: String, environment extra: [String: String] = [:]) async throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux's script(1) is missing: it gives the command a terminal")
        }
        func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = ([try Self.binary()] + arguments).map(quoted).joined(separator: " ")
        let environment = desk.environment.merging(extra) { $1 }.merging(["TYPED": line, "COMMAND": command]) { $1 }
        return try await Self.run("/bin/sh", ["-c", "printf '%s\\n' \"$TYPED\" | /usr/bin/script -qec \"$COMMAND\" /dev/null"],
                                  environment: environment, folder: desk.home)
    }

    /// On a terminal, a login the server refuses without a code asks for it once: Enter alone stops with the usual
    /// failure and no session; the app's code (typed with its space) logs in.
    func testLoginOnATerminalAsksForTheCode() async throws {
        let (w, robin, code) = try await accountWithLoginCodes()
        defer { w.clock.reset() }
        let desk = try Desk(w, as: robin)
        let login = ["login", "--server", url(w), "--ca-file", w.certificate]

        let stopped = try await onTerminal(desk, login, typing: "")
        XCTAssertEqual(stopped.code, 1, stopped.out + stopped.err)
        XCTAssertTrue(stopped.out.contains("type the code your authenticator app shows"), stopped.out)
        XCTAssertTrue(stopped.out.contains("add --totp CODE"), stopped.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath), "no session is kept")

        let digits = try code(w.clock.now)
        let typed = try await onTerminal(desk, login, typing: digits.prefix(3) + " " + digits.dropFirst(3))
        XCTAssertEqual(typed.code, 0, typed.out + typed.err)
        XCTAssertTrue(typed.out.contains("as Robin Shaw (\(robin))"), typed.out)
        let cases = try await cli(desk, ["case", "list", "--json"])
        XCTAssertEqual(cases.code, 0, cases.err)
    }

    /// A newcomer with login codes on renews on a terminal: the renewal ends the old session, and the login with the
    /// new file asks for the code, so the work goes on in a session of the new identity.
    func testARenewalOnATerminalAsksForTheLoginCodeOfItsNewSession() async throws {
        let w = try await world()
        let newcomer = try w.addNewcomer("Noor Hadi", org: w.org1)
        let code = try turnOnLoginCodes(newcomer, in: w)
        defer { w.clock.reset() }
        let desk = try Desk(w, as: newcomer)
        desk.environment["CASEVAULT_SERVER"] = url(w)
        let login = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate, "--totp", try code(w.clock.now)])
        XCTAssertEqual(login.code, 0, login.err)
        let before = try token(desk)
        w.clock.advance(30)

        let renew = try await onTerminal(desk, ["identity", "renew"], typing: try code(w.clock.now),
                                         environment: ["CASEVAULT_NEW_PASSPHRASE": "Noor's own new passphrase"])
        XCTAssertEqual(renew.code, 0, renew.out + renew.err)
        XCTAssertTrue(renew.out.contains("type the code your authenticator app shows"), renew.out)
        XCTAssertTrue(renew.out.contains("Renewed "), renew.out)
        XCTAssertFalse(renew.out.contains("your session ended with the old identity"), renew.out)
        XCTAssertNotEqual(try token(desk), before, "a new session, of the new identity")
        let copy = desk.path("letter.txt")
        let refused = try await cli(desk, ["cat", w.letter, "-o", copy, "--acknowledge", "R-CON-9"])
        XCTAssertEqual(refused.code, 3, "refused by the rules (awaiting confirmation), not as a session that ended: " + refused.err)
    }
}
