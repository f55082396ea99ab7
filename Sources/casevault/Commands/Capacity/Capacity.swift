import ArgumentParser

extension CaseVault {
    struct CapacityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "capacity", abstract: "Capacity assessments (MCA 2005 ss.2-3).",
                                                        subcommands: [Record.self, List.self])
    }
}
