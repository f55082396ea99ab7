import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    /// Resolves the advocate's name, makes the change, and says what was done (by name) or prints JSON.
    static func changeAssignment(_ global: GlobalOptions, caseID: String, advocate: String, key: String, done: String,
                                 change: (Vault, AccountID) throws -> Void) throws {
        let (advocateID, names) = try global.withVault { vault in
            let advocateID = try vault.accountID(advocate)
            try change(vault, advocateID)
            return (advocateID, try vault.names())
        }
        if global.json { try global.emitJSON(["case": caseID, key: advocateID.rawValue]) } else {
            Terminal.printOut(String(format: done, names.label(advocateID.rawValue), caseID))
        }
    }
}
