import XCTest

/// `make install` installs the bash and zsh completions casevault generates from its own command tree; a
/// completion script that lost a command or an option would complete the wrong things.
final class CompletionScriptTests: XCTestCase {
    func testBashAndZshCompletionScriptsCoverTheCommandTree() throws {
        let sandbox = try Sandbox()
        for shell in ["bash", "zsh"] {
            let script = try sandbox.run(["--generate-completion-script", shell])
            XCTAssertEqual(script.exitCode, 0, script.stderr)
            for word in ["casevault", "consent", "withdraw", "--received-by", "--situation", "after-death", "export", "--policy"] {
                XCTAssertTrue(script.stdout.contains(word), "\(shell) completion lacks \(word)")
            }
        }
        XCTAssertTrue(try sandbox.run(["--generate-completion-script", "bash"]).stdout.contains("-F _casevault casevault"))
        XCTAssertTrue(try sandbox.run(["--generate-completion-script", "zsh"]).stdout.contains("#compdef casevault"))
    }
}
