import ArgumentParser

extension CaseVault.RedactCommand {
    struct Allow: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "allow", abstract: "Terms never redacted: for a case, or organisation-wide (NHS bodies' names, addresses, switchboards).",
                                                        subcommands: [Add.self, Remove.self])
    }
}
