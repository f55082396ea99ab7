import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Org {
    /// `org update ORG --case-prefix P`: the first part of the organisation's case references.
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Change an organisation's settings: the prefix of its case references.",
            discussion: "New cases are numbered PREFIX-YYYY-NNNN. References already given never change (letters quote them); "
                + "cases opened before references existed get one now.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The organisation: its name or id.") var org: String
        @Option(help: "2 to 6 capital letters or digits, e.g. NCA.") var casePrefix: String

        func run() throws {
            let (id, result) = try global.withVault { vault in
                let id = try vault.organisationID(org)
                return (id, try vault.setCasePrefix(organisationID: id, prefix: casePrefix))
            }
            if global.json {
                try global.emitJSON(["id": id.rawValue, "case_prefix": result.prefix, "cases_referenced": String(result.referenced)])
                return
            }
            Terminal.printOut("New cases of \(org) are numbered \(result.prefix)-YYYY-NNNN"
                              + (result.referenced > 0 ? "; \(result.referenced) earlier case(s) were given a reference" : ""))
        }
    }
}
