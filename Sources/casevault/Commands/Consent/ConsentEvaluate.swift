import ArgumentParser
import Consent
import Foundation

extension CaseVault.ConsentCommand {
    /// `casevault consent evaluate FILE|-`: the "what if" question, answered by the engine alone (no vault).
    struct ConsentEvaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Evaluate one {\"facts\": …, \"request\": …} object (CONSENT-RULES.md §1) and print the decision as JSON.",
            discussion: "Exit 0 for allow or warn (\"decision\":\"warn\"), 3 for deny, 1 for invalid input (the message names the field)."
        )

        @Argument(help: "JSON file, or - for standard input.")
        var file: String

        @Flag(help: "Indent the JSON.")
        var pretty = false

        func run() throws {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw CLIError("cannot read \(file)", hints: ["check the path; use - to read standard input"])
                }
                data = contents
            }
            let input: ConsentInput
            do {
                input = try ConsentInput.decode(data)
            } catch {
                throw CLIError("invalid consent input: \(error.description)",
                               hints: ["the vocabulary is in CONSENT-RULES.md §1; dates are YYYY-MM-DD"])
            }
            let decision = ConsentEngine().evaluate(input.request, facts: input.facts)
            Terminal.printVerbatim(decision.json(pretty: pretty))
            if decision.outcome == .deny { throw ExitCode(3) }
        }
    }
}
