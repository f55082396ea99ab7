import ArgumentParser
import Foundation

@main
struct CaseVault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casevault",
        abstract: "A secure document vault with consent tracking for NHS complaints advocates.",
        discussion: """
        Exit codes: 0 success, 1 failure, 2 partial (some inputs failed), 3 refused by the consent rules, 64 usage.
        Every command takes --vault DIR (else $CASEVAULT_VAULT, else ./vault), --keys FILE (else $CASEVAULT_KEYS,
        else DIR/keys.json), --passphrase-file F (else $CASEVAULT_PASSPHRASE, else a prompt) and --json.
        A vault older than the one last used on this computer is refused; --accept-older-state REASON accepts it once.
        """,
        version: "0.1.0",
        subcommands: [Init.self, Keys.self, Org.self, Advocate.self, Person.self, Case.self, Ingest.self, ListDocuments.self,
                      ShowDocument.self, Cat.self, Verify.self, Backup.self, Restore.self, AuditCommand.self,
                      ConsentCommand.self, CapacityCommand.self, Deadlines.self, RedactCommand.self, Export.self, BundleCommand.self,
                      AnalyseCommand.self, AccessTableCommand.self]
    )

    /// Hardening first, then parse and run; our own errors print age-style with hints.
    static func main() {
        ProcessHardening.apply()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            error.report()
            Foundation.exit(error.exitCode)
        } catch {
            if let presented = CLIError.presenting(error) {
                presented.report()
                Foundation.exit(presented.exitCode)
            }
            exit(withError: error)
        }
    }
}
