import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asking before recording something that is almost certainly a mistake, or that can never be undone.
/// On a terminal the advocate answers y/N; a script must say `--yes`, so nothing questionable is recorded unseen.
enum Confirmation {
    /// Prints each warning (already naming its fix), then asks. Throws, with nothing recorded, unless confirmed.
    static func require(_ warnings: [String], yes: Bool, question: String = "Record it anyway?") throws {
        guard !warnings.isEmpty else { return }
        for warning in warnings { Terminal.printError("casevault: warning: \(warning)") }
        if yes { return }
        guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else {
            throw CLIError("this needs your confirmation; nothing was recorded",
                           hints: ["read the warning above; if it is right after all, run the command again with --yes"])
        }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            throw CLIError("not confirmed; nothing was recorded", hints: ["fix what the warning says, then run the command again"])
        }
    }
}
