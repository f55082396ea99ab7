import ArgumentParser

extension CaseVault {
    struct Case: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "case", abstract: "Complaint cases.",
                                                        subcommands: [Open.self, List.self, Show.self, Close.self, Rekey.self, Erase.self, Transfer.self, Event.self, AddPerson.self,
                                                                     Assign.self, Unassign.self, Update.self])
    }
}
