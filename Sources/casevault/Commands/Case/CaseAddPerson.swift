import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct AddPerson: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-person",
            abstract: "Register a person on a case (relative, representative, third party, witness, staff) so redaction finds them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Argument(help: "The person id.") var personID: String
        @Option(help: "relative, representative, third_party, witness or staff (NHS staff in role are kept unless the policy says redact-staff).")
        var role: Vault.CaseRole
        @Flag(help: "Their first name alone is distinctive enough to redact wherever it appears.") var firstNameSafe = false

        func run() throws {
            try global.withVault { vault in
                try vault.addCasePerson(caseID: try vault.caseID(caseID), personID: try vault.personID(personID), role: role, firstNameIsSafe: firstNameSafe)
            }
            if global.json { try global.emitJSON(["case": caseID, "person": personID, "role": role.rawValue]) } else {
                Terminal.printOut("Added \(personID) to \(caseID) as \(role.rawValue)")
            }
        }
    }
}
