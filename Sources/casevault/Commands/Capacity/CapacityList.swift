import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.CapacityCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
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
