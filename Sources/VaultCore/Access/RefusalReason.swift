import Consent
import VaultModel

/// Why the access table refused an operation (`AccessError.refused`): the words, and, when the consent rules were the
/// only way this account could have reached the case, what they decided, as far as this account may see it. Written
/// as a string literal where only words are known, so every refusal site reads as before.
public struct RefusalReason: Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public let text: String
    /// The consent rules' decision behind a case.read refusal of someone who is not a member of the case.
    public var consent: ConsentRefusal?

    public var description: String { text }

    public init(_ text: String, consent: ConsentRefusal? = nil) {
        self.text = text
        self.consent = consent
    }

    public init(stringLiteral value: String) { text = value }

    public init(stringInterpolation: DefaultStringInterpolation) { text = String(stringInterpolation: stringInterpolation) }
}

/// The consent rules' decision about a non-member's own access to a case, cut to what they may learn
/// (`Vault.disclosedDecision`): the rules that refused and why in terms of whom the case's consents cover, never the
/// person's circumstances (a death, capacity, a withdrawal) unless a record of the case names them.
public struct ConsentRefusal: Sendable, Equatable {
    /// The action the rules were asked about (view_documents: what lets a non-member read a case).
    public let action: ConsentAction
    public let decision: Decision
    /// Whether a consent or transfer of the case names the account or its organisation, so it saw the whole decision
    /// about the case's records (else only the findings about whom the consents cover).
    public let named: Bool
    /// R-CON-8 refused because a consent covers another organisation: the person's agreement to the case being with
    /// this organisation, recorded as a transfer, would let its advocates act (as the CLI's refusal advises).
    public let transferTo: OrganisationName?

    public struct OrganisationName: Sendable, Equatable {
        public let id: String
        public let name: String?
    }
}
