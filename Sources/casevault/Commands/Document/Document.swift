import ArgumentParser

extension CaseVault {
    /// `casevault document`: corrections to a stored document's details, with their history.
    struct DocumentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "document", abstract: "Correct a document's date or kind, see its history, or remove it.",
                                                        subcommands: [Retag.self, History.self, Remove.self])
    }
}
