import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Event: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "event", abstract: "Record complaint events and facts: dates, agreed extension, a reg 5(4) refusal, people complained about.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String
        @Option(help: "YYYY-MM-DD") var incidentDate: String?
        @Option(help: "YYYY-MM-DD") var awareDate: String?
        @Option(help: "The day the body received the complaint, YYYY-MM-DD.") var complaintDate: String?
        @Option(help: "YYYY-MM-DD") var acknowledgedOn: String?
        @Option(help: "YYYY-MM-DD") var finalResponseOn: String?
        @Option(help: "Response period extension agreed until, YYYY-MM-DD.") var extensionUntil: String?
        @Flag(help: "The body refused the case's representative under reg 5(4).") var bodyRefused = false
        @Option(help: "The body refused this representative (id) under reg 5(4).") var refusedRepresentative: String?
        @Option(help: "Date of the reg 5(4) notice, YYYY-MM-DD.") var refusedOn: String?
        @Option(help: "Someone the complaint is about (actor or person id); repeatable.") var subject: [String] = []
        @Option(help: "Another NHS body the complaint concerns; repeatable.") var nhsBody: [String] = []

        func run() throws {
            let incident = try ConsentArguments.date(incidentDate, "--incident-date")
            let aware = try ConsentArguments.date(awareDate, "--aware-date")
            let complaint = try ConsentArguments.date(complaintDate, "--complaint-date")
            let acknowledged = try ConsentArguments.date(acknowledgedOn, "--acknowledged-on")
            let final = try ConsentArguments.date(finalResponseOn, "--final-response-on")
            let extensionDate = try ConsentArguments.date(extensionUntil, "--extension-until")
            let refusedDate = try ConsentArguments.date(refusedOn, "--refused-on")
            var input = Vault.CaseEventsInput()
            input.incidentDate = incident
            input.awareDate = aware
            input.complaintDate = complaint
            input.acknowledgedOn = acknowledged
            input.finalResponseOn = final
            input.extensionAgreedUntil = extensionDate
            if bodyRefused { input.bodyRefused = .currentRepresentative }
            if let refusedRepresentative { input.bodyRefused = .holder(id: refusedRepresentative, date: refusedDate) }
            input.subjects = subject
            input.nhsBodies = nhsBody
            let facts = try global.withVault { vault in try vault.recordCaseEvents(caseID: try vault.caseID(id), input) }
            if global.json { try global.emitJSON(facts); return }
            Terminal.printOut("Case \(id) updated")
        }
    }
}
