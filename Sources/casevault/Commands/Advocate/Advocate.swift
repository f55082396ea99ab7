import ArgumentParser

extension CaseVault {
    struct Advocate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Advocates (each belongs to an organisation).", subcommands: [Add.self, List.self, Remove.self])
    }
}
