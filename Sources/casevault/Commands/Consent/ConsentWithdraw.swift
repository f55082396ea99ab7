import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Record that a consent was withdrawn (from that date nothing new may be done).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent id.") var id: String
        @Option(help: "The date of withdrawal, YYYY-MM-DD (default: today).") var date: String?
        @Option(help: "How the withdrawal reached you: letter, phone, email or in-person.") var receivedBy: Vault.WithdrawalChannel
        @Flag(help: "Confirm without being asked (scripts need this; a terminal asks).") var yes = false

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let day = try ConsentArguments.date(date, "--date") ?? Today.inEngland()
            let stored = try global.withVault { vault in
                _ = try vault.authority(RecordID(id))  // an unknown id is reported before any question is asked
                // A withdrawal is never undone, so it is confirmed like a questionable record.
                try Confirmation.require(["withdrawing consent \(id) cannot be undone: from \(day) nothing new may be done under it. "
                                          + "If the person changes their mind later, record a new consent."], yes: yes, question: "Withdraw it?")
                return try vault.withdrawAuthority(RecordID(id), on: day, receivedBy: receivedBy)
            }
            if global.json { try global.emitJSON(["id": id, "withdrawn_on": day.description]) } else {
                Terminal.printOut("Consent \(stored.authority.id) withdrawn on \(day)")
            }
        }
    }
}
