import Consent
import VaultModel

/// `case event`: what happened in a complaint (its dates, an agreed extension, a reg 5(4) refusal of the
/// representative, whom and which NHS bodies it is about), recorded by an assigned advocate or a manager of the case's
/// organisation (case.change). The front end says what happened; the core checks it and changes the rows, so no
/// front end edits a case row or its facts directly.
extension Vault {
    public struct CaseEventsInput: Sendable {
        public var incidentDate: CivilDate?
        public var awareDate: CivilDate?
        public var complaintDate: CivilDate?
        public var acknowledgedOn: CivilDate?
        public var finalResponseOn: CivilDate?
        public var extensionAgreedUntil: CivilDate?
        /// The body refused the case's representative (reg 5(4)): its current one, or a named holder from a date.
        public var bodyRefused: BodyRefusal?
        /// People or actors the complaint is about, and further NHS bodies it concerns: added to those recorded.
        public var subjects: [String] = []
        public var nhsBodies: [String] = []

        public init() {}
    }

    /// Records the events and returns the case's facts as they now stand. Refused (nothing changed) when the body's
    /// acknowledgement would fall before the day it received the complaint.
    public func recordCaseEvents(caseID: CaseID, _ input: CaseEventsInput) throws -> CaseFacts {
        let caseID = caseID.rawValue
        return try updateCaseFacts(caseID, operation: .caseChange, auditAction: "case.event", details: [:]) { facts, _, _ in
            if let date = input.incidentDate { facts.events.incidentDate = date }
            if let date = input.awareDate { facts.events.awareDate = date }
            if let date = input.complaintDate { facts.events.complaintDate = date }
            if let date = input.acknowledgedOn { facts.events.acknowledgedOn = date }
            if let date = input.finalResponseOn { facts.events.finalResponseOn = date }
            if let date = input.extensionAgreedUntil { facts.events.responseExtensionAgreedUntil = date }
            if let refusal = input.bodyRefused { facts.bodyRefusedRepresentative = refusal }
            facts.subjectsOfComplaint = (facts.subjectsOfComplaint + input.subjects).uniqued()
            facts.nhsBodies = (facts.nhsBodies + input.nhsBodies).uniqued()
            // Checked on the result, so a new acknowledgement is compared with a complaint date recorded earlier too.
            if let complaint = facts.events.complaintDate, let acknowledged = facts.events.acknowledgedOn, acknowledged < complaint {
                throw VaultError.invalidInput("the acknowledgement date \(acknowledged) is before the day the body received the complaint (\(complaint))")
            }
        }
    }
}
