import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Record a person's status for the consent rules: death, Gillick competence, objections.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person: their name or id.") var id: String
        @Option(help: "Date of death, YYYY-MM-DD.") var diedOn: String?
        @Option(help: "Gillick competence of a child under 16: yes, no or unknown.") var gillick: String?
        @Option(help: "The person objects to this advocate, organisation or person acting for them (repeatable).") var objectsTo: [String] = []
        @Option(help: "Remove a recorded objection (repeatable).") var withdrawObjection: [String] = []

        func run() throws {
            let died = try ConsentArguments.date(diedOn, "--died-on")
            let competence: Bool??
            switch gillick {
            case nil: competence = nil
            case "yes"?: competence = .some(true)
            case "no"?: competence = .some(false)
            case "unknown"?: competence = .some(nil)
            default: throw ValidationError("--gillick must be yes, no or unknown")
            }
            let status = try global.withVault { vault in
                try vault.updatePersonStatus(try vault.personID(id)) { status in
                    if let died {
                        status.deceased = true
                        status.dateOfDeath = died
                    }
                    if let competence { status.gillickCompetent = competence }
                    status.objectsTo = (status.objectsTo + objectsTo).uniqued().filter { !withdrawObjection.contains($0) }
                }
            }
            if global.json { try global.emitJSON(status); return }
            Terminal.printOut("Person \(id) updated")
        }
    }
}
