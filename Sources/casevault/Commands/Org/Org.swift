import ArgumentParser

extension CaseVault {
    struct Org: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Organisations (partner advocacy services).", subcommands: [Add.self, List.self, Update.self])
    }
}
