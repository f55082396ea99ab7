import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one consent or authority.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent id.") var id: String
        @Flag(help: "List what happened to the record (recorded, withdrawn, voided), oldest first.") var history = false

        func run() throws {
            let (stored, warnings, names) = try global.withVault { vault in
                let stored = try vault.authority(RecordID(id))
                return (stored, try ConsentGate.warnings(about: RecordID(id), caseID: CaseID(stored.caseID), actions: stored.authority.scope?.actions, vault: vault),
                        try vault.names())
            }
            if global.json { try global.emitJSON(stored); return }
            if history {
                for line in ConsentHistory.lines(stored) { Terminal.printOut(line) }
                return
            }
            let authority = stored.authority
            let scope = authority.scope
            Terminal.printFields([
                ("id", authority.id), ("kind", authority.kind.rawValue), ("case", stored.caseID), ("person", names.label(stored.personID)),
                ("granted by", authority.grantedBy.map(names.label)), ("grantee", authority.party.map { "\($0.type.rawValue) \(names.label($0.id))" }),
                ("cases", scope?.cases?.joined(separator: ", ")), ("bodies", scope?.organisations?.joined(separator: ", ")),
                ("actions", scope?.actions?.joined(separator: ", ")), ("third parties", scope?.thirdParties.map { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") }),
                ("matters", scope?.matters?.joined(separator: ", ")),
                ("valid", "\(authority.validFrom?.description ?? "open") to \(authority.validUntil?.description ?? "open")"),
                ("status", ConsentHistory.status(stored, on: Today.inEngland())),
                ("voided", stored.voided.map { "\($0.at)" + ($0.by.map { " by \($0)" } ?? "") + ": \($0.reason)" }),
                ("registered", authority.registered.map { $0 ? "yes (OPG)" : "no" }),
                ("evidence", authority.evidence.isEmpty ? nil : authority.evidence.joined(separator: ", ")),
                ("form", stored.formDocumentID.map { doc in "\(doc)" + (authority.form?.date.map { ", signed \($0)" } ?? "") }),
                ("recorded", stored.recordedAt + (stored.recordedBy.map { " by \($0)" } ?? "")),
                ("taken by", authority.kind == .verbalConsent ? authority.recordedBy : nil),
                ("witness", authority.witness),
                ("handed over", stored.authority.handovers.isEmpty ? nil
                    : stored.authority.handovers.map { "\(names.label($0.to)) from \($0.date)" }.joined(separator: ", ")),
                ("withdrawal", stored.withdrawalRecordedAt.map { "recorded \($0)" + (stored.withdrawalRecordedBy.map { " by \($0)" } ?? "")
                    + (stored.withdrawalReceivedBy.map { ", received by \($0.rawValue)" } ?? "") }),
                ("warnings", warnings.isEmpty ? nil : warnings.joined(separator: "; ")),
            ])
        }
    }
}
