import ArgumentParser
import Foundation
import Redaction
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault.RedactCommand.Allow {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add allowed terms to a case (--case) or an organisation (--org).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String?
        @Option(name: .customLong("org"), help: "The organisation id (applies to all its cases).") var organisationID: String?
        @Argument(help: "Terms (quote multi-word terms).") var terms: [String]
        @Option(help: "Why (needed with --org: the terms are then printed in every bundle of the organisation; stored sealed).")
        var reason: String?

        func validate() throws {
            if (caseID == nil) == (organisationID == nil) { throw ValidationError("give either --case C or --org ORG") }
            if organisationID != nil && (reason ?? "").allSatisfy(\.isWhitespace) {
                throw ValidationError("--org needs --reason: an organisation-wide allow-list reaches every case, so say why")
            }
        }

        func run() throws {
            let list = try global.withVault {
                try $0.addRedactionTerms(caseID: try caseID.map { [vault = $0] in try vault.caseID($0) }, organisationID: try organisationID.map($0.organisationID), terms: [], allow: terms, reason: reason)
            }
            if global.json { try global.emitJSON(list) } else { Terminal.printOut("\(list.allow.count) allowed term(s)") }
        }
    }
}
