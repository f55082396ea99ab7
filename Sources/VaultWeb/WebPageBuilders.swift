import Consent
import DocumentText
import Foundation
import VaultCrypto
import VaultModel
import VaultCore

/// Each page's data from the core, through the same calls the CLI and the JSON API make (`case list`, `case show`,
/// `consent list`, `deadlines`, `list --case`, `show`, `cat`): the core decides who sees what, and these functions
/// only word its answers. They run inside `WebBackend.withVault`, on the server's blocking thread pool.
enum WebPageBuilders {
    /// Larger documents are offered for download only: their text would make a page too large to read or render.
    static let maxReadableBytes: Int64 = 8 << 20

    static func casesPage(_ vault: Vault, filter: String) throws -> CasesPage {
        let today = vault.today()
        let cases = try vault.cases()
        let references = try vault.caseReferences(Set(cases.map(\.id.rawValue)))
        let wanted = filter.trimmingCharacters(in: .whitespacesAndNewlines)
        var rows: [CaseRow] = []
        for view in cases {
            let reference = view.reference ?? references[view.id.rawValue] ?? ""
            if !wanted.isEmpty, ![view.clientName, reference, view.nhsBody ?? "", view.id.rawValue].contains(where: { $0.localizedCaseInsensitiveContains(wanted) }) {
                continue
            }
            let (deadlines, note) = try deadlines(vault, caseID: view.id.rawValue, open: view.status == "open", today: today)
            rows.append(CaseRow(id: view.id.rawValue, client: view.clientName, reference: reference, nhsBody: view.nhsBody ?? "",
                                deadline: deadlines.first { !$0.met },
                                // The list says it shortly; the case page gives the reason in full.
                                deadlineNote: view.status != "open" ? "Case closed" : deadlines.isEmpty ? (note.hasPrefix("No deadline") ? "None yet" : note) : "None pending",
                                documents: view.documents))
        }
        rows.sort { ($0.client.lowercased(), $0.id) < ($1.client.lowercased(), $1.id) }
        let summary: String
        switch (rows.count, wanted.isEmpty) {
        case (0, true): summary = "You have no cases yet."
        case (0, false): summary = "No case matches that filter."
        case (1, _): summary = wanted.isEmpty ? "1 case." : "1 case matches."
        default: summary = wanted.isEmpty ? "\(rows.count) cases." : "\(rows.count) cases match."
        }
        var page = CasesPage(filter: wanted, filtered: !wanted.isEmpty, summary: summary, rows: rows)
        page.mayReadAudit = try vault.actingAccount().role != .advocate
        return page
    }

    /// The statutory deadlines, as `casevault deadlines` computes them: only where the consent rules allow
    /// check_deadlines on the case (a refusal is said, not hidden).
    static func deadlines(_ vault: Vault, caseID: String, open: Bool, today: CivilDate) throws -> ([DeadlineCell], String) {
        guard open else { return ([], "Case closed") }
        guard try vault.consentPermits(.checkDeadlines, caseID: CaseID(caseID), on: today) else { return ([], "The consent rules do not allow checking deadlines") }
        let cells = ComplaintDeadlines.compute(try vault.caseFacts(CaseID(caseID)).events, on: today).map { deadline in
            DeadlineCell(due: deadline.due.description, title: deadline.title, rule: deadline.rule.rawValue,
                         overdue: deadline.status == .overdue, met: deadline.status == .met)
        }
        return (cells, cells.isEmpty ? "No deadline can be worked out yet: the case has no incident, awareness or complaint date." : "")
    }

    /// A case named in a link (its id, reference or client's name): one that does not exist, or that this account
    /// may not look up, is a page not found, not a failure of the server.
    static func caseID(_ vault: Vault, _ text: String) throws -> String {
        do {
            return try vault.caseID(text).rawValue
        } catch VaultError.invalidInput {
            throw WebPageError(.notFound, "There is no case “\(DisplayText.escaped(text))” that you can see. Check the link, or find the case "
                               + "in My cases.")
        }
    }

    /// `acknowledged`: the consent warnings the advocate has read (the API's `?acknowledge=`, the CLI's `--acknowledge`).
    static func casePage(_ vault: Vault, caseText: String, acknowledged: [RuleID]) throws -> CasePage {
        vault.acknowledged = acknowledged
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        let detail = try vault.caseDetail(CaseID(caseID))
        let names = try vault.names()
        // Controls and direction overrides in a stored name are shown, not obeyed (as HTMLWriter shows them).
        func name(_ id: String) -> String { DisplayText.escaped(names.name(id) ?? id) }
        let pairs: [(String, String?)] = [
            ("Reference", detail.reference), ("NHS body", detail.nhsBody), ("Their reference", detail.theirReference),
            ("Status", detail.status), ("Organisation", detail.organisationName),
            ("Advocates", detail.advocateNames.joined(separator: ", ")), ("Incident", detail.incidentDate),
            ("Became aware", detail.awareDate), ("Complaint made", detail.complaintDate), ("Opened", String(detail.openedAt.prefix(10))),
            ("Closed", detail.closedAt.map { String($0.prefix(10)) }),
        ]
        let facts = pairs.compactMap { label, value in value.flatMap { $0.isEmpty ? nil : Fact(label: label, value: $0) } }
        let people = [PersonRow(name: detail.clientName, role: "client")]
            + (try vault.casePeople(caseID: CaseID(caseID))).map { PersonRow(name: name($0.personID), role: $0.role.rawValue.replacingOccurrences(of: "_", with: " ")) }
        let today = vault.today()
        let consents = try vault.authorities(caseID: CaseID(caseID)).map { stored in
            let authority = stored.authority
            let inForce = stored.voided == nil && authority.withdrawnOn == nil
            return ConsentRow(person: name(stored.personID), kind: authority.kind.rawValue.replacingOccurrences(of: "_", with: " "),
                              grantee: authority.party.map { name($0.id) } ?? "",
                              actions: authority.scope?.actions?.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ") ?? "all",
                              valid: "\(authority.validFrom?.description ?? "open") to \(authority.validUntil?.description ?? "open")",
                              state: consentState(stored, on: today), withdrawLink: inForce ? "/consents/\(authority.id)/withdraw" : nil)
        }
        let (deadlines, deadlineNote) = try deadlines(vault, caseID: caseID, open: detail.status == "open", today: today)
        let reminders = try vault.remindersIfKeyHeld(caseID: CaseID(caseID)).map { ReminderRow(due: $0.due.description, text: $0.text, done: $0.doneAt != nil) }
        // The documents as `list --case` gives them: the consent rules asked first. A refusal leaves the rest of the
        // page (which the access table allows) and says why.
        var documents: [DocumentRow] = []
        var documentNote = ""
        var warnings: [String] = []
        var acknowledge: [RuleID] = []
        do {
            // Showing the list, not reading a document: the session records the same decision once, not per view.
            try vault.requireConsent(.viewDocuments, caseID: CaseID(caseID), showing: true)
            documents = try vault.documents(caseID: CaseID(caseID), filter: .init())
                .sorted { (documentDay($0), $0.ingestedAt, $0.id) < (documentDay($1), $1.ingestedAt, $1.id) }
                .map { DocumentRow(id: $0.id.rawValue, date: documentDay($0), dateSource: $0.documentDateSource.replacingOccurrences(of: "_", with: " "),
                                   kind: $0.kind.replacingOccurrences(of: "_", with: " "), name: $0.name) }
            if documents.isEmpty { documentNote = "No documents yet." }
        } catch AccessError.acknowledgementNeeded(let check, let missing) {
            documentNote = "The documents are shown once you have read this warning from the consent rules:"
            warnings = acknowledgementWarnings(check, missing)
            acknowledge = missing
        } catch let error as AccessError {
            documentNote = "The documents are not shown: \(error.description)"
        }
        let notes = try vault.notes(caseID: CaseID(caseID)).map { note in
            NoteRow(writtenAt: String(note.writtenAt.prefix(16)).replacingOccurrences(of: "T", with: " "), writtenBy: note.writtenBy.map(name), text: note.text)
        }
        return CasePage(client: detail.clientName, reference: detail.reference, facts: facts, people: people, consents: consents,
                        deadlines: deadlines, deadlineNote: deadlineNote, reminders: reminders,
                        documentRows: TableRows.documents(documents, query: acknowledged.isEmpty ? "" : "?" + acknowledgeQuery(acknowledged)),
                        documentNote: documentNote, warnings: warnings,
                        acknowledgeLink: acknowledge.isEmpty ? nil : "/cases/\(caseID)?" + acknowledgeQuery(acknowledge),
                        documentQuery: acknowledged.isEmpty ? "" : "?" + acknowledgeQuery(acknowledged), notes: notes, caseID: caseID,
                        bundleLink: documents.isEmpty ? nil : "/cases/\(caseID)/bundle" + (acknowledged.isEmpty ? "" : "?" + acknowledgeQuery(acknowledged)),
                        teamLink: "/cases/\(caseID)/team")
    }

    /// The warnings the consent rules gave, as the API words them (`APIError.fromAccess`).
    static func acknowledgementWarnings(_ check: Vault.ConsentCheck, _ missing: [RuleID]) -> [String] {
        check.decision.findings.filter { missing.contains($0.rule) }.map { "\($0.rule.rawValue): \($0.text)" }.uniqued()
    }

    static func acknowledgeQuery(_ rules: [RuleID]) -> String { rules.map { "acknowledge=\($0.rawValue)" }.joined(separator: "&") }

    /// A document's date as the core recorded it, else the day it was stored.
    static func documentDay(_ document: Vault.DocumentView) -> String { document.documentDate ?? String(document.ingestedAt.prefix(10)) }

    /// The state `consent list` shows for a record (voided, withdrawn, not yet valid, expired, active).
    static func consentState(_ stored: Vault.StoredAuthority, on today: CivilDate) -> String {
        let authority = stored.authority
        if stored.voided != nil { return "voided" }
        if let withdrawn = authority.withdrawnOn, withdrawn <= today { return "withdrawn \(withdrawn)" }
        if let from = authority.validFrom, today < from { return "valid from \(from)" }
        if let until = authority.validUntil, until < today { return "expired \(until)" }
        return "active"
    }

    /// `casevault show` and, for the formats that have a text extractor, `cat` through it: the consent gate with the
    /// document named, and the read audited by the core (`document.read`) before any text is shown.
    static func documentPage(_ vault: Vault, documentID: String, acknowledged: [RuleID]) throws -> DocumentPage {
        vault.acknowledged = acknowledged
        let caseID = try vault.caseID(ofDocument: DocumentID(documentID))
        try vault.requireConsent(.viewDocuments, caseID: caseID, documentID: DocumentID(documentID))
        let document = try vault.document(DocumentID(documentID))
        let detail = try vault.caseDetail(caseID)
        let facts = [
            Fact(label: "Kind", value: document.kind.replacingOccurrences(of: "_", with: " ")),
            Fact(label: "Date", value: "\(documentDay(document)) (from \(document.documentDateSource.replacingOccurrences(of: "_", with: " ")))"),
            Fact(label: "Stored", value: String(document.ingestedAt.prefix(10))),
            Fact(label: "Size", value: document.size < 10_000 ? "\(document.size) bytes" : "\((document.size + 512) / 1024) KB"),
        ]
        var readable: ReadableText?
        var unreadable = ""
        if let format = SourceFormat.guess(mediaType: document.mediaType, fileName: document.name) {
            if document.size > maxReadableBytes {
                unreadable = "This document is too large to show here. Use Download to open it on this computer."
            } else {
                var bytes = try vault.plaintext(documentID: DocumentID(documentID))
                defer { secureZero(&bytes) }
                do {
                    let text = try TextExtractor.extract(data: Data(bytes), format: format)
                    readable = ReadableText(headers: text.headers.map { Fact(label: $0.name, value: $0.value) }, body: text.body,
                                            attachments: text.attachments.map { "\($0.fileName ?? "(unnamed)") (\($0.contentType), \($0.size) bytes)" })
                } catch {
                    unreadable = "The text of this document could not be read (\(String(describing: error))). Use Download to open it on this computer."
                }
            }
        } else {
            unreadable = "This kind of document (\(document.mediaType)) has no text view yet. Use Download to open it on this computer."
        }
        return DocumentPage(id: document.id.rawValue, caseID: caseID.rawValue, caseLabel: detail.clientName, name: document.name, facts: facts,
                            readable: readable, unreadable: unreadable, acknowledged: acknowledged.map(\.rawValue).joined(separator: ","),
                            pdf: document.mediaType == "application/pdf")
    }
}
