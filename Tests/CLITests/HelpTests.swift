import Foundation
import XCTest

/// `--help` and `help` print the parser's help and exit 0, for the root and for nested commands (a regression once
/// turned them into "an unexpected internal error").
final class HelpTests: XCTestCase {
    func testHelpPrintsUsageAndExitsZero() throws {
        let sandbox = try Sandbox()
        for arguments in [["--help"], ["case", "--help"], ["redact", "terms", "remove", "--help"], ["help", "consent", "record"], ["--version"]] {
            let result = try sandbox.run(arguments)
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("unexpected internal error"), "\(arguments): \(result.stderr)")
            XCTAssertTrue(arguments == ["--version"] ? !result.stdout.isEmpty : result.stdout.contains("USAGE:"), "\(arguments): \(result.stdout)")
        }
    }
}
