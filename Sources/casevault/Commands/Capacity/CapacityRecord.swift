import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault.CapacityCommand {
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "record", abstract: "Record a decision-specific capacity assessment; the latest one decides.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The person assessed.") var person: String
        @Option(help: "The decision assessed, e.g. \"conduct NHS complaint\".") var decision: String
        @Option(help: "Date of the assessment, YYYY-MM-DD.") var date: String
        @Option(help: "has_capacity or lacks_capacity.") var result: String
        @Option(help: "Who assessed.") var assessor: String
        @Option(name: .customLong("case"), help: "The case it was recorded for (for the audit log).") var caseID: String?
        @Flag(help: "Record it although a warning says it looks wrong (scripts need this; a terminal asks).") var yes = false

        func run() throws {
            guard let outcome = CapacityAssessment.Result(rawValue: result) else {
                throw ValidationError("--result must be has_capacity or lacks_capacity")
            }
            guard let day = try ConsentArguments.date(date, "--date") else { return }
            if day > Today.inEngland() { throw ValidationError("--date \(day) is in the future") }
            let assessment = CapacityAssessment(decision: decision, date: day, result: outcome, assessor: assessor)
            // Capacity is decision-specific (R-CAP-2): said now, not when a later check surprises the advocate.
            try Confirmation.require(ConsentEntryWarnings.forCapacity(assessment), yes: yes)
            let id = try global.withVault { vault in try vault.recordCapacity(personID: try vault.personID(person), assessment: assessment, caseID: try caseID.map { try vault.caseID($0) }) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut(id) }
        }
    }
}
