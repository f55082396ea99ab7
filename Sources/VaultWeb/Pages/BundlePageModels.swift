/// What the bundle, verify and consent-withdrawal pages show: plain values built in the request's vault call (or,
/// for the public verify page, from the verifier alone) and rendered afterwards.
struct Choice: Sendable {
    let value: String
    let label: String
    let hint: String
    let selected: Bool
}

struct DocumentChoice: Sendable {
    let id: String
    let name: String
    let kind: String
    let date: String
    let checked: Bool
    /// Why it is left out unless ticked (a private kind, a form of authority, a file that cannot be bundled).
    let note: String?
}

struct PlanRow: Sendable {
    let name: String
    let kind: String
    let included: Bool
    let reason: String
    /// What would be hidden, counted by kind ("2 names, 1 date of birth"): never the text itself.
    let redactions: String
}

struct PlanView: Sendable {
    let summary: String
    let rows: [PlanRow]
    let warnings: [String]
}

/// The bundle wizard: the choices (prefilled with the safe defaults, or with what was sent), and after "Check" the
/// dry run's table above the same form, so the advocate changes a choice or exports without retyping.
struct BundleFormPage: Sendable {
    let caseID: String
    let caseLabel: String
    let meeting: String
    let recipient: String
    let recipientName: String
    let theirReference: String
    let ourReference: String
    let policies: [Choice]
    let documents: [DocumentChoice]
    let includeUnreviewed: Bool
    /// The consent warnings read (comma-separated rule ids), carried by the form.
    let acknowledged: String
    let warnings: [String]
    let problem: String?
    let plan: PlanView?
}

struct BundleDownloadPage: Sendable {
    let bundleID: String
    let caseID: String
    let caseLabel: String
    let facts: [Fact]
    let pdfName: String
    let manifestName: String
}

struct VerifyOutcome: Sendable {
    let genuine: Bool
    let heading: String
    let message: String
    let facts: [Fact]
}

struct VerifyPage: Sendable {
    let limit: String
    let outcome: VerifyOutcome?
    let problem: String?
}

struct WithdrawPage: Sendable {
    let id: String
    let caseID: String
    let caseLabel: String
    let facts: [Fact]
    /// Set once withdrawn: the page then says so instead of offering the form.
    let withdrawn: String?
    let done: Bool
    let date: String
    let channels: [Choice]
    let problem: String?
}
