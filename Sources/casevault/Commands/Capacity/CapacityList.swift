import ArgumentParser
import Consent
import Foundation
import VaultStore

struct CapacityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "capacity", abstract: "Capacity assessments (MCA 2005 ss.2-3).",
                                                    subcommands: [Record.self, List.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a decision-specific capacity assessment; the latest one decides.")
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

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a person's capacity assessments and which of them count for the complaint.",
            discussion: "Only assessments whose decision contains the word \"complaint\" (e.g. \"conduct NHS complaint\") count for the complaint's rules (R-CAP-2).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The person.") var person: String

        func run() throws {
            let assessments = try global.withVault { vault in try vault.capacityAssessments(personID: try vault.personID(person)) }
            if global.json { try global.emitJSON(assessments.map(Row.init)); return }
            Terminal.printOut(Table.render(["ID", "DATE", "RESULT", "COMPLAINT", "DECISION", "ASSESSOR"], assessments.map {
                [$0.id, $0.assessment.date.description, $0.assessment.result.rawValue, $0.assessment.countsForComplaint ? "counts" : "other decision",
                 $0.assessment.decision ?? "", $0.assessment.assessor ?? ""]
            }))
        }

        /// The stored assessment as before, plus whether it counts for the complaint.
        struct Row: Encodable {
            let stored: Vault.StoredCapacityAssessment

            enum CodingKeys: String, CodingKey { case id, assessment, personID = "person_id", countsForComplaint = "counts_for_complaint" }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(stored.id, forKey: .id)
                try container.encode(stored.personID, forKey: .personID)
                try container.encode(stored.assessment, forKey: .assessment)
                try container.encode(stored.assessment.countsForComplaint, forKey: .countsForComplaint)
            }
        }
    }
}
