import ArgumentParser

extension CaseVault {
    struct Advocate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "advocate", abstract: "Advocates (each belongs to an organisation).", subcommands: [Add.self, List.self, Confirm.self, Remove.self])
    }
}
