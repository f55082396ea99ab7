import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    /// `case transfer`: the case moves to a partner organisation with the person's agreement given in the same step
    /// (R-CON-8), or their agreement is recorded later with the same command.
    struct Transfer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transfer",
            abstract: "Transfer a case to a partner organisation, with the person's agreement (R-CON-8).",
            discussion: """
            Say whether the person agreed: --consented (you confirm they did), --consent-form FILE (their signed agreement, \
            stored encrypted with the case) or --without-consent (not yet: the existing consents then do not cover the new \
            organisation's advocates). A terminal asks when none is given. If the case is already with ORG, --consented or \
            --consent-form records the agreement. The previous organisation's advocates are taken off the case and it loses \
            access from the transfer date; --advocate assigns the new organisation's advocate(s) in the same step.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String
        @Option(help: "The receiving organisation: its name or id.") var to: String
        @Flag(help: "The person agreed to the transfer (you confirm it).") var consented = false
        @Option(help: "The person's signed agreement to the transfer (stored as an encrypted consent_form document).") var consentForm: String?
        @Flag(help: "Record the transfer although the person has not agreed yet.") var withoutConsent = false
        @Option(help: "An advocate of the receiving organisation to assign (name or id); repeatable.") var advocate: [String] = []
        @Option(help: "Date of the transfer or agreement, YYYY-MM-DD (default: today).") var date: String?

        func validate() throws {
            let given = [consented, consentForm != nil, withoutConsent].filter { $0 }.count
            if given > 1 { throw ValidationError("give one of --consented, --consent-form FILE or --without-consent") }
            if given == 0 && !(isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1) {
                throw ValidationError("say whether the person agreed to the transfer: --consented, --consent-form FILE (their signed "
                                      + "agreement) or --without-consent (their consents then do not cover the new organisation, R-CON-8)")
            }
        }

        func run() throws {
            let today = Today.inEngland()
            let day = try ConsentArguments.date(date, "--date") ?? today
            if day > today { throw ValidationError("--date \(day) is in the future") }
            let (caseID, organisation, result, names) = try global.withVault { vault in
                let caseID = try vault.caseID(id)
                let organisation = try vault.organisationID(to)
                let assign = try advocate.map { try vault.accountID($0) }
                let result = try vault.transferCase(caseID, to: organisation, agreement: try agreement(), on: day, assign: assign)
                return (caseID, organisation, result, try vault.names())
            }
            let agreed = result.facts.transfers.last?.consented ?? false
            if global.json {
                try global.emitJSON(["id": caseID.rawValue, "organisation": organisation.rawValue, "consented": String(agreed), "date": day.description,
                                     "advocates": result.advocates.joined(separator: ","), "form_document": result.formDocumentID ?? ""])
                return
            }
            let org = names.label(organisation.rawValue)
            if result.agreementOnly {
                Terminal.printOut("Case \(id) was already with \(org); the person's agreement of \(day) is now recorded (R-CON-8)")
            } else {
                Terminal.printOut("Case \(id) transferred to \(org) on \(day)" + (agreed ? " with the person's agreement" : ""))
                if !result.unassigned.isEmpty {
                    Terminal.printError("casevault: took \(result.unassigned.map(names.label).joined(separator: ", ")) off the case: "
                                        + "the previous organisation no longer has access")
                }
            }
            if let form = result.formDocumentID { Terminal.printError("casevault: the signed agreement is stored as \(form)") }
            if !agreed {
                Terminal.printError("casevault: warning: the person has not agreed, so their consents do not cover \(org)'s advocates (R-CON-8)")
                Terminal.printError("casevault: next: when they agree, run: casevault case transfer \(id) --to \(organisation) --consented "
                                    + "(or --consent-form FILE)")
            }
            if result.advocates.isEmpty {
                Terminal.printError("casevault: next: a manager of \(org) assigns an advocate: casevault case assign \(id) ADVOCATE")
            }
        }

        /// The agreement as given, or asked for on a terminal.
        func agreement() throws -> Vault.TransferAgreement {
            if consented { return .agreed }
            if let consentForm { return .form(Vault.IngestFile(path: consentForm)) }
            if withoutConsent { return .notAgreed }
            FileHandle.standardError.write(Data("Has the person agreed to their case moving to \(to)? [y/N] ".utf8))
            let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                throw CLIError("not transferred: the person's agreement is needed for their consents to cover \(to) (R-CON-8)",
                               hints: ["when they agree, run the command again with --consented or --consent-form FILE; "
                                       + "to transfer anyway, add --without-consent"])
            }
            return .agreed
        }
    }
}
