/// What each page shows, as plain values built inside the request's vault call (the core's views, worded for people)
/// and rendered afterwards. The templates read these properties by name.
struct Fact: Sendable {
    let label: String
    let value: String
}

struct DeadlineCell: Sendable {
    let due: String
    let title: String
    let rule: String
    let overdue: Bool
    let met: Bool
}

struct CaseRow: Sendable {
    let id: String
    let client: String
    let reference: String
    let nhsBody: String
    let deadline: DeadlineCell?
    /// Why there is no deadline to show (none computable yet, the case is closed, the consent rules do not allow it).
    let deadlineNote: String
    let documents: Int
}

struct CasesPage: Sendable {
    let filter: String
    /// Whether a filter was typed (swift-mustache treats an empty string as true, so the template asks this; stored,
    /// since the templates read values by reflection, which sees stored properties only).
    let filtered: Bool
    let summary: String
    let rows: [CaseRow]
    /// A manager or an administrator: the page links to the activity log (the core still decides on that page).
    var mayReadAudit = false
}

struct PersonRow: Sendable {
    let name: String
    let role: String
}

struct ConsentRow: Sendable {
    let person: String
    let kind: String
    let grantee: String
    let actions: String
    let valid: String
    let state: String
    /// The withdrawal page of a consent still in force.
    var withdrawLink: String? = nil
}

struct ReminderRow: Sendable {
    let due: String
    let text: String
    let done: Bool
}

/// A document as the case page lists it (written by `TableRows.documents`).
struct DocumentRow: Sendable {
    let id: String
    let date: String
    let dateSource: String
    let kind: String
    let name: String
}

struct NoteRow: Sendable {
    let writtenAt: String
    let writtenBy: String?
    let text: String
}

struct CasePage: Sendable {
    let client: String
    let reference: String?
    let facts: [Fact]
    let people: [PersonRow]
    let consents: [ConsentRow]
    let deadlines: [DeadlineCell]
    let deadlineNote: String
    let reminders: [ReminderRow]
    /// The documents' table rows (`TableRows.documents`, each link carrying `documentQuery`); empty: none shown.
    let documentRows: HTMLFragment
    let documentNote: String
    /// Consent warnings to read before the documents are shown, and the link that acknowledges them.
    let warnings: [String]
    let acknowledgeLink: String?
    /// `?acknowledge=…` carried to the document links once acknowledged here.
    let documentQuery: String
    let notes: [NoteRow]
    /// For the upload link (nil in pages made before it existed).
    var caseID: String? = nil
    /// The bundle wizard, offered once the documents are shown.
    var bundleLink: String? = nil
    /// Who works on the case (assign, unassign).
    var teamLink: String? = nil
    /// What the last form recorded (after its redirect).
    var notice: String? = nil
    /// The consent rules' warnings about what it recorded.
    var noticeWarnings: [String] = []
}

struct ReadableText: Sendable {
    let headers: [Fact]
    let body: String
    let attachments: [String]
}

struct DocumentPage: Sendable {
    let id: String
    let caseID: String
    let caseLabel: String
    let name: String
    let facts: [Fact]
    let readable: ReadableText?
    let unreadable: String
    /// The acknowledged rules (comma-separated), carried by the Download button.
    let acknowledged: String
    /// A PDF: its pages can be shown as pictures (Pages/PDFPages.swift).
    var pdf: Bool = false
}

struct SignInPage: Sendable {
    let signInToken: String
    let notice: String?
    let error: String?
}

struct ErrorPage: Sendable {
    let heading: String
    let message: String
    let details: [String]
    let back: String
    let backLabel: String
    /// For a warning to acknowledge: the same page again, acknowledging it.
    var next: String? = nil
    var nextLabel: String = ""
}

/// The frame every page is rendered in: the layout's values at the top, the page's under `page`.
struct Frame<Page: Sendable>: Sendable {
    let title: String
    let signedIn: Bool
    let formToken: String
    let page: Page
}
