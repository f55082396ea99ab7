import Consent
import Foundation
import VaultClient
import VaultCore

extension CaseVault.ConsentCommand.Record {
    /// The record route's body: `consent record`'s options, already checked by `run` as locally. Names stay as typed:
    /// the core on the server resolves them, as it does for the local command.
    struct ServerBody: Encodable {
        struct Form: Encodable {
            let name: String
            let content: String
        }

        let person: String
        let kind: String
        let grantee: String
        let actions: [String]
        let bodies: [String]?
        let thirdParties: [String]
        let validFrom, validUntil, signedOn, recordedOn: String?
        let form: Form?
        let recordedBy, witness, grantedBy, reasons: String?
        let evidence: [String]
        let registered: Bool
        let matters: [String]?
        let claimArisingFromDeath: Bool
        let confirm: Bool

        enum CodingKeys: String, CodingKey {
            case person, kind, grantee, actions, bodies, form, witness, evidence, registered, matters, reasons, confirm
            case thirdParties = "third_parties", validFrom = "valid_from", validUntil = "valid_until", signedOn = "signed_on"
            case recordedBy = "recorded_by", recordedOn = "recorded_on", grantedBy = "granted_by"
            case claimArisingFromDeath = "claim_arising_from_death"
        }
    }

    struct ServerReply: Decodable {
        let id: String
        let validFrom: String?
        let validUntil: String?
        let formDocument: String?
        let warnings: [String]
        let formIdentifiesPatient: Bool?
        enum CodingKeys: String, CodingKey {
            case id, warnings
            case validFrom = "valid_from", validUntil = "valid_until", formDocument = "form_document"
            case formIdentifiesPatient = "form_identifies_patient"
        }
    }

    /// `consent record` over the team server: the same checks and questions first, then one request; the core there
    /// checks the access table and the consent rules in the transaction that stores it, as locally, and a refusal is
    /// worded as locally (exit 3).
    func runOnServer(_ target: ServerTarget, input: Vault.AuthorityInput, today: CivilDate) throws {
        // The warnings this computer can find are asked about here, in the local words. Whether the person has died is
        // known only to the server: it answers 409 then, unless this already confirmed (with --yes or at the prompt).
        let warnings = ConsentEntryWarnings.forAuthority(input, died: false, today: today)
        try Confirmation.require(warnings, yes: yes)
        let formFile = try form.map { path in
            ServerBody.Form(name: (path as NSString).lastPathComponent,
                            content: try PrivateFiles.read(path, limit: 1 << 30).base64EncodedString())
        }
        func body(confirm: Bool) throws -> [UInt8] {
            Array(try JSONEncoder().encode(ServerBody(
                person: person, kind: kind.rawValue, grantee: grantee, actions: input.actions.map(\.rawValue), bodies: input.bodies,
                thirdParties: input.thirdParties, validFrom: input.validFrom?.description, validUntil: input.validUntil?.description,
                signedOn: input.signedOn?.description, recordedOn: input.recordedOn?.description, form: formFile,
                recordedBy: recordedBy, witness: witness, grantedBy: grantedBy, reasons: reasons, evidence: input.evidence,
                registered: input.registered ?? false, matters: input.matters, claimArisingFromDeath: input.claimArisingFromDeath ?? false,
                confirm: confirm)))
        }
        let bytes: [UInt8]
        do {
            bytes = try target.api.recordConsent(caseID: caseID, body: try body(confirm: yes || !warnings.isEmpty))
        } catch ClientError.failed(let failure) where failure.status == 409 && failure.error == "confirmation_needed" {
            try Confirmation.require([Self.serverWarning(failure.message)], yes: false)
            bytes = try target.api.recordConsent(caseID: caseID, body: try body(confirm: true))
        }
        guard let reply = try? JSONDecoder().decode(ServerReply.self, from: Data(bytes)) else {
            throw ClientError.unexpectedResponse(server: target.server, detail: "not the JSON the API document describes")
        }
        for warning in reply.warnings { Terminal.printError("casevault: warning: \(warning)") }
        try report(id: reply.id, validFrom: reply.validFrom, validUntil: reply.validUntil, formDocument: reply.formDocument)
        if reply.formIdentifiesPatient == false { warnFormIdentifiesNoOne() }
    }

    /// The server's 409 names its own way to confirm; here the question is asked, or --yes is the way.
    static func serverWarning(_ message: String) -> String {
        var text = message
        if text.hasPrefix("nothing was recorded: ") { text.removeFirst("nothing was recorded: ".count) }
        if let range = text.range(of: " To record it anyway") { text = String(text[..<range.lowerBound]) }
        return text
    }
}
