import Consent
import Foundation
import VaultModel
import VaultCore

/// The upload form's page and what an upload did, as plain values for the templates.
struct KindOption: Sendable {
    let value: String
    let label: String
    let selected: Bool
}

struct UploadSlot: Sendable {
    let number: Int
}

struct UploadPage: Sendable {
    let caseID: String
    let client: String
    /// `?acknowledge=…` for the form's action and the links back: the warnings read on the way here.
    let query: String
    let slots: [UploadSlot]
    let kinds: [KindOption]
    let limit: String
}

struct StoredRow: Sendable {
    let id: String
    let name: String
    let kinds: [KindOption]
    let date: String
    let dateSource: String
    let warning: String?
}

struct DuplicateRow: Sendable {
    let name: String
    let existingID: String
    let existingName: String
}

struct FailedRow: Sendable {
    let name: String
    let reason: String
}

struct UploadedPage: Sendable {
    let caseID: String
    let client: String
    let query: String
    /// The acknowledged rules, comma-separated, carried by each correction form.
    let acknowledged: String
    let summary: String
    let stored: [StoredRow]
    let duplicates: [DuplicateRow]
    let failed: [FailedRow]
}

/// One file of the form, with the kind and date chosen for it (empty: let the core work them out).
struct UploadedFile: Sendable {
    let name: String
    let kind: String
    let date: String
    let buffer: IngestBuffer
}

/// The upload page and the ingest behind it: the core's own `ingest` (consent asked, duplicates found by content,
/// blob durable before its row, audited), one call per file so each keeps its own kind and date.
enum WebUploadBuilders {
    static let slots = 5

    static func kindOptions(selected: String?) -> [KindOption] {
        DocumentKind.allCases.map { KindOption(value: $0.rawValue, label: label($0.rawValue), selected: $0.rawValue == selected) }
    }

    static func label(_ raw: String) -> String {
        let words = raw.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    static func uploadPage(_ vault: Vault, caseText: String, acknowledged: [RuleID], maxBytes: Int64) throws -> UploadPage {
        vault.acknowledged = acknowledged
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        // Asked here too, so a refusal or a warning shows before anyone chooses files; showing the form records the
        // decision once per session (the upload itself asks again and is recorded every time).
        try vault.requireConsent(.ingestDocument, caseID: CaseID(caseID), showing: true)
        let detail = try vault.caseDetail(CaseID(caseID))
        return UploadPage(caseID: caseID, client: detail.clientName, query: query(acknowledged), slots: (1...slots).map(UploadSlot.init),
                          kinds: kindOptions(selected: nil), limit: "\(max(1, maxBytes / (1 << 20))) MB")
    }

    static func query(_ acknowledged: [RuleID]) -> String {
        acknowledged.isEmpty ? "" : "?" + WebPageBuilders.acknowledgeQuery(acknowledged)
    }

    static func ingest(_ vault: Vault, caseText: String, files: [UploadedFile], acknowledged: [RuleID]) throws -> UploadedPage {
        vault.acknowledged = acknowledged
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        try vault.requireConsent(.ingestDocument, caseID: CaseID(caseID))
        let detail = try vault.caseDetail(CaseID(caseID))
        let actor = try vault.actingAccount().id
        var stored: [StoredRow] = []
        var duplicates: [DuplicateRow] = []
        var failed: [FailedRow] = []
        for file in files {
            let shown = DisplayText.escaped(file.name)
            if let problem = problem(file) {
                failed.append(FailedRow(name: shown, reason: problem))
                continue
            }
            let options = Vault.IngestOptions(kind: DocumentKind(rawValue: file.kind), date: file.date.isEmpty ? nil : file.date, actor: actor)
            let result: Vault.IngestResult?
            do {
                result = try vault.ingest(caseID: CaseID(caseID), files: [try file.buffer.sealed(name: Array(file.name.utf8))], options: options).first
            } catch VaultError.invalidInput(let message) {
                failed.append(FailedRow(name: shown, reason: "not stored: \(message)."))
                continue
            }
            switch result?.outcome {
            case .stored(let id, _):
                let document = try vault.document(id)
                stored.append(StoredRow(id: id.rawValue, name: document.name, kinds: kindOptions(selected: document.kind),
                                        date: WebPageBuilders.documentDay(document),
                                        dateSource: "Date taken from: " + document.documentDateSource.replacingOccurrences(of: "_", with: " "),
                                        warning: result?.warning))
            case .duplicate(let existing):
                duplicates.append(DuplicateRow(name: shown, existingID: existing.rawValue, existingName: try vault.document(existing).name))
            case .failed, nil:
                failed.append(FailedRow(name: shown, reason: "the server could not store it. Try again; if it keeps failing, tell your administrator."))
            }
        }
        let counts = [(stored.count, "stored"), (duplicates.count, "already in the case"), (failed.count, "not stored")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return UploadedPage(caseID: caseID, client: detail.clientName, query: query(acknowledged),
                            acknowledged: acknowledged.map(\.rawValue).joined(separator: ","),
                            summary: files.isEmpty ? "No file was chosen, so nothing was added." : counts.joined(separator: ", ") + ".",
                            stored: stored, duplicates: duplicates, failed: failed)
    }

    /// What the form itself got wrong, said before the core is asked (the API refuses the same names).
    static func problem(_ file: UploadedFile) -> String? {
        let name = file.name
        if name.utf8.isEmpty || name.utf8.count > 255 || name == "." || name == ".." {
            return "its name must be 1 to 255 bytes long. Rename the file and add it again."
        }
        if name.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" || $0.properties.generalCategory == .control }) {
            return "its name holds a slash, a backslash or a control character. Rename the file and add it again."
        }
        if file.buffer.size == 0 { return "the file is empty." }
        if !file.kind.isEmpty && DocumentKind(rawValue: file.kind) == nil { return "the kind chosen is not one this vault knows." }
        if !file.date.isEmpty && CivilDate(iso: file.date) == nil { return "the date must be a day written as year-month-day, for example 2026-03-14." }
        return nil
    }

    /// A correction of one document's kind or date (`casevault retag`): only what changed is sent to the core.
    /// Returns the document's case.
    static func retag(_ vault: Vault, documentID: String, kind: String, date: String, acknowledged: [RuleID]) throws -> String {
        vault.acknowledged = acknowledged
        let document = try vault.document(DocumentID(documentID))
        let newKind = kind.isEmpty || kind == document.kind ? nil : DocumentKind(rawValue: kind)
        if !kind.isEmpty && DocumentKind(rawValue: kind) == nil { throw WebPageError(.badRequest, "That kind is not one this vault knows. Go back and choose another.") }
        let newDate = date.isEmpty || date == WebPageBuilders.documentDay(document) ? nil : date
        if newKind != nil || newDate != nil {
            do {
                _ = try vault.retagDocument(DocumentID(documentID), date: newDate, kind: newKind)
            } catch VaultError.invalidInput(let message) {
                throw WebPageError(.badRequest, "The change was not saved: \(message). Go back and correct it.")
            }
        }
        return document.caseID.rawValue
    }
}
