import Consent
import Foundation
import VaultModel
import VaultCore

/// The JSON bodies of the consent routes: `casevault consent record`'s and `consent withdraw`'s options, typed. Enum
/// and date fields are read as text and checked here, so a wrong value is named with the values it may take.
extension VaultServer {
    struct ConsentRecordBody: Decodable, Sendable {
        struct Form: Decodable, Sendable {
            /// The file's own name (no folder), as the consent_form document is named.
            let name: String
            /// The file's bytes, base64.
            let content: String
        }

        let person: String
        let kind: AuthorityKind
        let grantee: String
        var actions: [ConsentAction] = []
        var bodies: [String]?
        var thirdParties: [String] = []
        var validFrom: CivilDate?
        var validUntil: CivilDate?
        var form: Form?
        var signedOn: CivilDate?
        var recordedBy: String?
        var recordedOn: CivilDate?
        var witness: String?
        var grantedBy: String?
        var evidence: [String] = []
        var registered = false
        var matters: [String]?
        var claimArisingFromDeath = false
        var reasons: String?
        /// `--yes`: record it although a warning says it looks wrong.
        var confirm = false

        enum CodingKeys: String, CodingKey {
            case person, kind, grantee, actions, bodies, form, witness, evidence, registered, matters, reasons, confirm
            case thirdParties = "third_parties", validFrom = "valid_from", validUntil = "valid_until", signedOn = "signed_on"
            case recordedBy = "recorded_by", recordedOn = "recorded_on", grantedBy = "granted_by"
            case claimArisingFromDeath = "claim_arising_from_death"
        }

        init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            person = try values.decode(String.self, forKey: .person)
            kind = try JSONBody.enumValue(AuthorityKind.self, try values.decode(String.self, forKey: .kind), field: "kind", in: values)
            grantee = try values.decode(String.self, forKey: .grantee)
            actions = try (values.decodeIfPresent([String].self, forKey: .actions) ?? []).map {
                try JSONBody.enumValue(ConsentAction.self, $0, field: "actions", in: values)
            }
            bodies = try values.decodeIfPresent([String].self, forKey: .bodies)
            thirdParties = try values.decodeIfPresent([String].self, forKey: .thirdParties) ?? []
            validFrom = try Self.date(values, .validFrom)
            validUntil = try Self.date(values, .validUntil)
            form = try values.decodeIfPresent(Form.self, forKey: .form)
            signedOn = try Self.date(values, .signedOn)
            recordedBy = try values.decodeIfPresent(String.self, forKey: .recordedBy)
            recordedOn = try Self.date(values, .recordedOn)
            witness = try values.decodeIfPresent(String.self, forKey: .witness)
            grantedBy = try values.decodeIfPresent(String.self, forKey: .grantedBy)
            evidence = try values.decodeIfPresent([String].self, forKey: .evidence) ?? []
            registered = try values.decodeIfPresent(Bool.self, forKey: .registered) ?? false
            matters = try values.decodeIfPresent([String].self, forKey: .matters)
            claimArisingFromDeath = try values.decodeIfPresent(Bool.self, forKey: .claimArisingFromDeath) ?? false
            reasons = try values.decodeIfPresent(String.self, forKey: .reasons)
            confirm = try values.decodeIfPresent(Bool.self, forKey: .confirm) ?? false
        }

        static func date(_ values: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> CivilDate? {
            guard let text = try values.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = CivilDate(iso: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: values.codingPath + [key], debugDescription: "'\(text)' is not a date written YYYY-MM-DD"))
            }
            return date
        }

        static let shape = "{\"person\": \"per-…\", \"kind\": \"verbal_consent\", \"grantee\": \"org-…\", \"actions\": [\"view_documents\"], "
            + "\"recorded_by\": \"adv-…\", \"recorded_on\": \"YYYY-MM-DD\"} (docs/server.md lists every field)"

        /// The core's input, as `consent record` builds it from its options (names are resolved by the caller).
        func input(caseID: CaseID, today: CivilDate) -> Vault.AuthorityInput {
            var input = Vault.AuthorityInput(caseID: caseID, personID: PersonID(person), kind: kind, granteeID: grantee, actions: actions, today: today)
            input.bodies = bodies
            input.thirdParties = thirdParties
            input.matters = matters
            input.validFrom = validFrom
            input.validUntil = validUntil
            input.signedOn = signedOn
            input.recordedOn = recordedOn
            input.recordedBy = recordedBy
            input.witness = witness
            input.grantedBy = grantedBy
            input.evidence = evidence
            input.registered = kind == .lpaHealthWelfare || kind == .lpaPropertyFinance ? registered : nil
            input.claimArisingFromDeath = kind == .nextOfKin ? claimArisingFromDeath : nil
            input.reasons = reasons
            return input
        }
    }

    struct ConsentWithdrawBody: Decodable, Sendable {
        /// Default: today, in England.
        var date: CivilDate?
        let receivedBy: Vault.WithdrawalChannel

        enum CodingKeys: String, CodingKey { case date, receivedBy = "received_by" }

        init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            receivedBy = try JSONBody.enumValue(Vault.WithdrawalChannel.self, try values.decode(String.self, forKey: .receivedBy),
                                                field: "received_by", in: values)
            if let text = try values.decodeIfPresent(String.self, forKey: .date) {
                guard let date = CivilDate(iso: text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.date], debugDescription: "'\(text)' is not a date written YYYY-MM-DD"))
                }
                self.date = date
            }
        }

        static let shape = "{\"received_by\": \"letter\", \"date\": \"YYYY-MM-DD\"} (received_by: letter, phone, email or in-person; date: default today)"
    }

    struct ConsentRecorded: Encodable, Sendable {
        let id: String
        let validFrom: String?
        let validUntil: String?
        let formDocument: String?
        /// What the consent rules say about the new record (shown once, as `consent record` prints them).
        let warnings: [String]
        /// False when the stored form names no NHS number, date of birth or address of the person (R-CON-10 will
        /// refuse the consent); nil without a form. The CLI warns about it as it does locally.
        var formIdentifiesPatient: Bool? = nil
        enum CodingKeys: String, CodingKey {
            case id, warnings
            case validFrom = "valid_from", validUntil = "valid_until", formDocument = "form_document"
            case formIdentifiesPatient = "form_identifies_patient"
        }
    }

    struct ConsentList: Encodable, Sendable {
        let caseID: String
        let consents: [Vault.StoredAuthority]
        enum CodingKeys: String, CodingKey { case consents, caseID = "case_id" }
    }
}
