import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.RedactCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Show a case's registered people, custom terms and allow-lists.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String

        struct Listing: Encodable {
            let people: [Vault.CasePerson]
            let terms: [String]
            let allow: [String]
            let organisationAllow: [String]

            enum CodingKeys: String, CodingKey { case people, terms, allow, organisationAllow = "organisation_allow" }
        }

        func run() throws {
            let listing = try global.withVault { vault -> Listing in
                let caseID = try vault.caseID(caseID)
                let (own, organisation) = try vault.redactionTerms(caseID: caseID)
                return Listing(people: try vault.casePeople(caseID: caseID), terms: own.terms, allow: own.allow, organisationAllow: organisation.allow)
            }
            if global.json { try global.emitJSON(listing); return }
            Terminal.printOut(Table.render(["PERSON", "ROLE", "FIRST NAME ALONE"], listing.people.map { [$0.personID, $0.role.rawValue, $0.firstNameIsSafe ? "yes" : "no"] }))
            Terminal.printFields([("terms", listing.terms.joined(separator: "; ")), ("allowed", listing.allow.joined(separator: "; ")),
                                  ("organisation", listing.organisationAllow.joined(separator: "; "))])
        }
    }
}
