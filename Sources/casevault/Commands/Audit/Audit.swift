import ArgumentParser

extension CaseVault {
    struct AuditCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "audit", abstract: "The tamper-evident audit log.",
                                                        subcommands: [Log.self, Verify.self, Checkpoint.self])
    }
}
