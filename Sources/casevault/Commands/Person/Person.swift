import ArgumentParser

extension CaseVault {
    struct Person: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "person", abstract: "People: clients and third parties (all personal fields encrypted).",
                                                        subcommands: [Add.self, List.self, Show.self, Find.self, Update.self, Edit.self, History.self])
    }
}
