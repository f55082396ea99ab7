import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    /// `consent confirm-handover`: the person agreed that a colleague may take over a consent that names one
    /// advocate (R-CON-7). Recorded once, so the colleague's commands need no `--acknowledge R-CON-7`.
    struct ConfirmHandover: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm-handover",
            abstract: "Record that the person confirmed a colleague may take over a consent naming one advocate (R-CON-7).",
            discussion: "From --date on, the colleague's commands under this consent need no --acknowledge R-CON-7.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent id.") var id: String
        @Option(help: "The colleague taking over: their name or id.") var to: String
        @Option(help: "The day the person confirmed it, YYYY-MM-DD (default: today).") var date: String?

        func run() throws {
            let today = Today.inEngland()
            let day = try ConsentArguments.date(date, "--date") ?? today
            if day > today { throw ValidationError("--date \(day) is in the future") }
            let (stored, colleague) = try global.withVault { vault in
                let colleague = try vault.accountID(to)
                return (try vault.confirmHandover(RecordID(id), to: colleague, on: day), colleague)
            }
            if global.json { try global.emitJSON(["id": id, "to": colleague.rawValue, "date": day.description]); return }
            Terminal.printOut("Consent \(stored.authority.id): \(to) may take over from \(day) (R-CON-7 confirmed)")
        }
    }
}
