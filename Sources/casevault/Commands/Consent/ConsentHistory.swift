import ArgumentParser
import Consent
import Foundation
import VaultCore

/// What happened to a consent record, oldest first (`consent show --history`).
enum ConsentHistory {
    static func lines(_ stored: Vault.StoredAuthority) -> [String] {
        var lines = ["\(stored.recordedAt)  recorded" + (stored.recordedBy.map { " by \($0)" } ?? "")]
        if let withdrawn = stored.authority.withdrawnOn {
            lines.append("\(stored.withdrawalRecordedAt ?? "?")  withdrawal from \(withdrawn) recorded"
                         + (stored.withdrawalRecordedBy.map { " by \($0)" } ?? "")
                         + (stored.withdrawalReceivedBy.map { " (received by \($0.rawValue))" } ?? ""))
        }
        for handover in stored.handoverRecords ?? [] {
            lines.append("\(handover.recordedAt)  handover to \(handover.to) from \(handover.date) confirmed"
                         + (handover.recordedBy.map { " (recorded by \($0))" } ?? ""))
        }
        if let voided = stored.voided {
            lines.append("\(voided.at)  voided" + (voided.by.map { " by \($0)" } ?? "") + ": \(voided.reason)")
        }
        return lines.sorted()
    }

    static func status(_ stored: Vault.StoredAuthority, on today: CivilDate) -> String {
        stored.voided != nil ? "voided" : ConsentArguments.status(stored.authority, on: today)
    }
}
