import ArgumentParser

extension CaseVault {
    struct Org: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "org", abstract: "Organisations (partner advocacy services).", subcommands: [Add.self, List.self, Update.self])
    }
}
