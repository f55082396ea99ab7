import ArgumentParser
import Foundation
import HelperProcess
import Redaction
import VaultCore

extension CaseVault {
    /// `casevault search TEXT [--case C]`: words inside the documents of the cases you may view, with the passage
    /// around each hit. The core decrypts and scans in memory; PDFs are read by the confined child process.
    struct SearchDocuments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search", abstract: "Find words inside documents (letters, emails, notes, PDFs' text).",
            discussion: """
            Case, accents and line breaks are ignored; every word must appear in a document for it to be listed. \
            Without --case, every case you may view is searched. Scanned pages and photos are not read (no OCR here): \
            they are listed as not searched.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The words to look for, e.g. \"discharge letter\" or a surname.") var text: String
        @Option(name: .customLong("case"), help: "Only this case: its reference, its client's name, or its id.") var caseID: String?
        @OptionGroup var consent: ConsentOptions

        func validate() throws {
            guard SearchQuery(text) != nil else { throw ValidationError("the search has no letters or digits to look for: type a word, e.g. a surname") }
        }

        func run() throws {
            var missingHelper: HelperProgramMissing?
            let (result, references) = try global.withVault { vault in
                let caseID = try caseID.map { try vault.caseID($0) }  // an id or a reference (NCA-2026-0001)
                if let caseID { try ConsentGate.require(.viewDocuments, caseID: caseID, vault: vault, options: consent) }
                vault.acknowledged = consent.rules
                // PDFs are read by casevault-pdf. Without it letters and emails are still searched, and the PDFs
                // come back as not searched: the command then fails after showing what it found (below).
                let pdfHelper: PDFHelper?
                do {
                    pdfHelper = try PDFHelper()
                } catch let missing as HelperProgramMissing {
                    missingHelper = missing
                    pdfHelper = nil
                }
                let result = try vault.search(text, caseID: caseID, pdfText: pdfHelper?.allPages)
                return (result, global.json ? [:] : try vault.caseReferences(Set(result.hits.map(\.caseID.rawValue))))
            }
            // What was found is shown either way; PDFs left out for want of the reader then fail the command.
            let incomplete = result.pdfsWithoutReader > 0 ? missingHelper : nil
            if global.json {
                try global.emitJSON(result)
                if let incomplete { throw incomplete }
                return
            }
            var lines: [String] = []
            for hit in result.hits {
                let date = hit.documentDate.map { ", \($0)" } ?? ""
                lines.append("\(hit.documentID)  \(Terminal.escaped(hit.name)) (\(hit.kind)\(date), case \(references[hit.caseID.rawValue] ?? hit.caseID.rawValue)): "
                             + "\(hit.matches) match\(hit.matches == 1 ? "" : "es")")
                lines += hit.snippets.map { "    \(Terminal.escaped($0))" }
            }
            let found = result.hits.count
            lines.append("\(found) document\(found == 1 ? "" : "s") found of \(result.documentsSearched) searched.")
            if !result.notSearched.isEmpty {
                lines.append("Not searched:")
                lines += result.notSearched.map { "    \($0.documentID): \($0.reason)" }
            }
            Terminal.printOut(lines.joined(separator: "\n"))
            if let incomplete { throw incomplete }
        }
    }
}
