import ArgumentParser

extension CaseVault {
    struct ConsentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consent",
            abstract: "Record, withdraw, list and check consents and legal authorities; evaluate what-if scenarios.",
            subcommands: [Record.self, Withdraw.self, VoidRecord.self, ConfirmHandover.self, List.self, Show.self, Check.self, ConsentEvaluate.self]
        )
    }
}
