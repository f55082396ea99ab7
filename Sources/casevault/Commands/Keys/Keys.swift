import ArgumentParser

extension CaseVault {
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract: "Show and manage the vault's keys.",
            subcommands: [Show.self, Rotate.self, Retire.self, Share.self]
        )
    }
}
