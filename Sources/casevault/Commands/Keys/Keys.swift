import ArgumentParser

extension CaseVault {
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and manage the vault's keys.",
            subcommands: [Show.self, Rotate.self, Retire.self]
        )
    }
}
