import ArgumentParser

extension CaseVault {
    /// `casevault remind`: dated reminders on a case, listed by `deadlines` with the statutory ones.
    struct RemindCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remind", abstract: "Reminders on a case (shown by 'deadlines').",
                                                        subcommands: [Add.self, Done.self])
    }
}
