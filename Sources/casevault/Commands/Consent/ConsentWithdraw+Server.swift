import Foundation
import VaultClient

extension CaseVault.ConsentCommand.Withdraw {
    /// `consent withdraw` over the team server: confirmed here as locally (it is never undone), recorded by the core
    /// on the server (an unknown id is the server's 404).
    func runOnServer(_ target: ServerTarget) throws {
        let day = try ConsentArguments.date(date, "--date") ?? Today.inEngland()
        try Confirmation.require(["withdrawing consent \(id) cannot be undone: from \(day) nothing new may be done under it. "
                                  + "If the person changes their mind later, record a new consent."], yes: yes, question: "Withdraw it?")
        let reply = try JSONValue.decode(try target.api.withdraw(consentID: id, receivedBy: receivedBy.rawValue, date: day.description))
        let withdrawnOn = reply["withdrawn_on"]?.string ?? day.description
        if global.json { try global.emitJSON(["id": id, "withdrawn_on": withdrawnOn]) } else {
            Terminal.printOut("Consent \(id) withdrawn on \(withdrawnOn)")
        }
    }
}
