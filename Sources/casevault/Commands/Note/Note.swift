import ArgumentParser

extension CaseVault {
    /// `casevault note`: the advocate's own notes on a case (sealed, dated, signed with who wrote them).
    struct NoteCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Case notes: a call, a visit, what was agreed.",
                                                        subcommands: [Add.self, List.self])
    }
}
