import ArgumentParser

extension CaseVault.RedactCommand {
    struct Terms: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "terms", abstract: "Custom terms always redacted in a case (e.g. a ward, a bay).",
                                                        subcommands: [Add.self, Remove.self])
    }
}
