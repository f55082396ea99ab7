import ArgumentParser
import Foundation
import HelperProcess

@main
struct CaseVault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casevault",
        abstract: "A secure document vault with consent tracking for NHS complaints advocates.",
        discussion: """
        Exit codes: 0 success, 1 failure, 2 partial (some inputs failed), 3 refused by the consent rules, 4 not logged in to the server
        or the session ended (run casevault login), 64 usage.
        Every command takes --vault DIR (else $CASEVAULT_VAULT, else ./vault), --keys FILE (else $CASEVAULT_KEYS,
        else DIR/keys.json), --passphrase-file F (else $CASEVAULT_PASSPHRASE, else a prompt) and --json.
        A vault older than the one last used on this computer is refused; --accept-older-state REASON accepts it once.
        """,
        version: "0.1.0",
        subcommands: [Init.self, Keys.self, Org.self, Advocate.self, Person.self, Case.self, Ingest.self, ListDocuments.self, SearchDocuments.self,
                      ShowDocument.self, Cat.self, Verify.self, Backup.self, Restore.self, AuditCommand.self,
                      ConsentCommand.self, CapacityCommand.self, Deadlines.self, RedactCommand.self, Export.self, BundleCommand.self, NoteCommand.self, RemindCommand.self, DocumentCommand.self,
                      IdentityCommand.self, Passwd.self, Unlock.self, Lock.self, Recovery.self, Migrate.self, TOTPCommand.self,
                      Serve.self, Login.self, Logout.self, AccessTableCommand.self]
    )

    /// Parse errors carry our prefix too, so every error reads `casevault: error: …` (ParsableArguments reads it).
    static var _errorPrefix: String { "casevault: error: " }

    /// Hardening first, then parse and run. Global options are accepted before the subcommand (ArgumentOrder).
    /// Every error a command throws is presented the same way (`present`), never as a Swift value.
    static func main() {
        ProcessHardening.apply()
        let arguments = ArgumentOrder.reordered(Array(CommandLine.arguments.dropFirst()), root: CaseVault.self)
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // Usage errors, --help and --version: the parser's own text, with our prefix and exit 64 (or 0).
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            present(error, from: type(of: command))
        }
    }

    static func present(_ error: Error, from command: ParsableCommand.Type? = nil) -> Never {
        switch error {
        case let code as ExitCode:
            // Thrown after the command printed its own message (e.g. exit 2 for a partial ingest).
            Foundation.exit(code.rawValue)
        case let error as ValidationError where command.flatMap(commandPath(to:)) != nil:
            // Thrown by a command's run, after parsing: the parser would print the root's usage
            // ("casevault <subcommand>"), which helps no one. Name the command's own help instead.
            let path = (["casevault"] + (commandPath(to: command!) ?? [])).joined(separator: " ")
            CLIError(error.message, hints: ["'\(path) --help' shows every option"], exitCode: ExitCode.validationFailure.rawValue).report()
            Foundation.exit(ExitCode.validationFailure.rawValue)
        case is ValidationError, is CleanExit:
            exit(withError: error)
        // `--help` parses to the parser's own help command, whose run throws the parser's internal request type.
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."):
            exit(withError: error)
        default:
            let presented = error as? CLIError ?? CLIError.presenting(error) ?? CLIError.unexpected(error)
            presented.report()
            Foundation.exit(presented.exitCode)
        }
    }

    /// The subcommand names from the root to `target` (`["consent", "record"]`), or nil if it is not in the tree.
    static func commandPath(to target: ParsableCommand.Type) -> [String]? {
        func walk(_ node: ParsableCommand.Type, _ path: [String]) -> [String]? {
            if ObjectIdentifier(node) == ObjectIdentifier(target) { return path }
            for sub in node.configuration.subcommands {
                if let found = walk(sub, path + [sub._commandName]) { return found }
            }
            return nil
        }
        return walk(CaseVault.self, [])
    }
}
