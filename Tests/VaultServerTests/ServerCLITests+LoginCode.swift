import Foundation
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// `casevault login --totp CODE` for an account that has turned login codes on: without the code the login fails
/// the one generic way and the hint names --totp; with the app's current code it logs in.
extension ServerCLITests {
    func testLoginTakesTheLoginCodeOfAnAccountThatTurnedCodesOn() async throws {
        let w = try await world()
        let robin = try w.addAccount("Robin Shaw", org: w.org1)
        let enrolment = try w.open(as: robin).enrolTOTP()
        let secret = try XCTUnwrap(Base32.decode(enrolment.secretBase32))
        let totp = TOTP()
        func code(at date: Date) throws -> String { try totp.code(secret: secret, step: totp.step(at: Int64(date.timeIntervalSince1970))) }
        try w.open(as: robin).confirmTOTP(code: try code(at: Date()))
        // The confirming code's step is used up: the server's clock moves to the next one.
        w.clock.advance(30)
        defer { w.clock.reset() }
        let desk = try Desk(w, as: robin)

        let without = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate])
        XCTAssertEqual(without.code, 1, without.err)
        XCTAssertTrue(without.err.contains("add --totp CODE"), without.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath), "no session is kept")
        let malformed = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate, "--totp", "12ab56"])
        XCTAssertEqual(malformed.code, 64, malformed.err)

        let with = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate, "--totp", try code(at: w.clock.now)])
        XCTAssertEqual(with.code, 0, with.err)
        XCTAssertTrue(with.out.contains("as Robin Shaw (\(robin))"), with.out)
        let cases = try await cli(desk, ["case", "list", "--json"])
        XCTAssertEqual(cases.code, 0, cases.err)
    }
}
