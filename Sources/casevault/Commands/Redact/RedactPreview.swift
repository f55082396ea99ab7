import ArgumentParser
import Foundation
import Redaction
import VaultStore
#if canImport(Glibc)
import Glibc
#endif

extension Vault.CaseRole: ExpressibleByArgument {}

extension Case {
    struct AddPerson: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-person",
            abstract: "Register a person on a case (relative, representative, third party, witness, staff) so redaction finds them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var caseID: String
        @Argument(help: "The person id.") var personID: String
        @Option(help: "relative, representative, third_party, witness or staff (NHS staff in role are kept unless the policy says redact-staff).")
        var role: Vault.CaseRole
        @Flag(help: "Their first name alone is distinctive enough to redact wherever it appears.") var firstNameSafe = false

        func run() throws {
            try global.withVault { vault in
                try vault.addCasePerson(caseID: try vault.caseID(caseID), personID: try vault.personID(personID), role: role, firstNameIsSafe: firstNameSafe)
            }
            if global.json { try global.emitJSON(["case": caseID, "person": personID, "role": role.rawValue]) } else {
                Terminal.printOut("Added \(personID) to \(caseID) as \(role.rawValue)")
            }
        }
    }
}

struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Redaction terms, allow-lists, and a preview of what a bundle would hide.",
        subcommands: [Terms.self, Allow.self, List.self, Preview.self])

    struct Terms: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Custom terms always redacted in a case (e.g. a ward, a bay).",
                                                        subcommands: [Add.self, Remove.self])
        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add custom terms to a case.")
            @OptionGroup var global: GlobalOptions
            @Option(name: .customLong("case"), help: "The case id.") var caseID: String
            @Argument(help: "Terms (quote multi-word terms).") var terms: [String]

            func run() throws {
                let list = try global.withVault { try $0.addRedactionTerms(caseID: try $0.caseID(caseID), organisationID: nil, terms: terms, allow: []) }
                if global.json { try global.emitJSON(list) } else { Terminal.printOut("\(list.terms.count) custom term(s) on \(caseID)") }
            }
        }
    }

    struct Allow: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Terms never redacted: for a case, or organisation-wide (NHS bodies' names, addresses, switchboards).",
                                                        subcommands: [Add.self, Remove.self])
        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add allowed terms to a case (--case) or an organisation (--org).")
            @OptionGroup var global: GlobalOptions
            @Option(name: .customLong("case"), help: "The case id.") var caseID: String?
            @Option(name: .customLong("org"), help: "The organisation id (applies to all its cases).") var organisationID: String?
            @Argument(help: "Terms (quote multi-word terms).") var terms: [String]
            @Option(help: "Why (needed with --org: the terms are then printed in every bundle of the organisation; stored sealed).")
            var reason: String?

            func validate() throws {
                if (caseID == nil) == (organisationID == nil) { throw ValidationError("give either --case C or --org ORG") }
                if organisationID != nil && (reason ?? "").allSatisfy(\.isWhitespace) {
                    throw ValidationError("--org needs --reason: an organisation-wide allow-list reaches every case, so say why")
                }
            }

            func run() throws {
                let list = try global.withVault {
                    try $0.addRedactionTerms(caseID: try caseID.map { [vault = $0] in try vault.caseID($0) }, organisationID: try organisationID.map($0.organisationID), terms: [], allow: terms, reason: reason)
                }
                if global.json { try global.emitJSON(list) } else { Terminal.printOut("\(list.allow.count) allowed term(s)") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case's registered people, custom terms and allow-lists.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String

        struct Listing: Encodable {
            let people: [Vault.CasePerson]
            let terms: [String]
            let allow: [String]
            let organisationAllow: [String]

            enum CodingKeys: String, CodingKey { case people, terms, allow, organisationAllow = "organisation_allow" }
        }

        func run() throws {
            let listing = try global.withVault { vault -> Listing in
                let caseID = try vault.caseID(caseID)
                let (own, organisation) = try vault.redactionTerms(caseID: caseID)
                return Listing(people: try vault.casePeople(caseID: caseID), terms: own.terms, allow: own.allow, organisationAllow: organisation.allow)
            }
            if global.json { try global.emitJSON(listing); return }
            Terminal.printOut(Table.render(["PERSON", "ROLE", "FIRST NAME ALONE"], listing.people.map { [$0.personID, $0.role.rawValue, $0.firstNameIsSafe ? "yes" : "no"] }))
            Terminal.printFields([("terms", listing.terms.joined(separator: "; ")), ("allowed", listing.allow.joined(separator: "; ")),
                                  ("organisation", listing.organisationAllow.joined(separator: "; "))])
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a document with what would be redacted marked, and a count per kind.",
            discussion: "On a terminal the redacted parts are highlighted; otherwise they are replaced by [REDACTED:kind]. --json lists the spans (kind, offsets, detector) without the text.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: String
        @Option(help: ArgumentHelp("The same as export's: a preset (trust-meeting, phso, third-party, default), a policy file, or clauses "
                                   + "such as keep=postcode;redact-staff (see docs/bundle-policies.md).", valueName: "POLICY")) var policy = "default"
        @OptionGroup var consent: ConsentOptions

        struct SpanOut: Encodable {
            let kind: String
            let start: Int
            let end: Int
            let detector: String
            let personID: String?

            enum CodingKeys: String, CodingKey { case kind, start, end, detector, personID = "person_id" }
        }

        struct PreviewOut: Encodable {
            let document: String
            let policy: String
            let counts: [String: Int]
            let spans: [SpanOut]
            let bidiControls: Bool

            enum CodingKeys: String, CodingKey { case document, policy, counts, spans, bidiControls = "bidi_controls" }
        }

        func run() throws {
            // One reading of --policy for the preview and the export, so what is previewed is what a bundle redacts.
            let redactionPolicy = try PolicyOption.resolve(policy)
            let (text, spans) = try global.withVault { vault -> (String, [RedactionSpan]) in
                let caseID = try vault.caseID(ofDocument: id)
                try ConsentGate.require(.viewDocuments, caseID: caseID, vault: vault, options: consent, documentID: id)
                let document = try vault.document(id)
                guard let format = SourceFormat.guess(mediaType: document.mediaType, fileName: document.name) else {
                    throw CLIError("document \(id) is \(document.mediaType): it has no text to preview yet",
                                   hints: ["PDFs and scans are handled by the bundle export (OCR), which is not built yet"])
                }
                let extracted: ExtractedText
                do {
                    extracted = try TextExtractor.extract(data: Data(try vault.plaintext(documentID: id)), format: format)
                } catch let error as ExtractionError {
                    throw CLIError("document \(id) could not be read as \(format.rawValue): \(error.description)")
                }
                let text = extracted.renderedText
                let redactor = Redactor(context: try RedactionSetup.context(vault: vault, caseID: caseID), policy: redactionPolicy)
                return (text, redactor.spans(in: text))
            }
            let counts = Dictionary(Redactor.counts(spans).map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
            if global.json {
                try global.emitJSON(PreviewOut(document: id, policy: policy, counts: counts, spans: spans.map {
                    SpanOut(kind: $0.kind.rawValue, start: $0.start, end: $0.end, detector: $0.detector, personID: $0.personID)
                }, bidiControls: TextHazards.hasBidiControls(text)))
                return
            }
            if TextHazards.hasBidiControls(text) {
                Terminal.printError("casevault: warning: document \(id) contains bidirectional control characters: what a screen shows "
                    + "may be in a different order from the text; check the redactions carefully")
            }
            let onTerminal = isatty(STDOUT_FILENO) == 1
            // The document's own text is escaped piece by piece (an ESC[2J in it must not clear the screen);
            // only the highlighting around the redactions is ours.
            let bytes = Array(text.utf8)
            func piece(_ range: Range<Int>) -> String { Terminal.escaped(String(decoding: bytes[range], as: UTF8.self), keepingLineBreaks: true) }
            var out = ""
            var position = 0
            for span in spans {
                out += piece(position..<span.start)
                if onTerminal {
                    out += "\u{1B}[7m" + piece(span.start..<span.end) + "\u{1B}[27m\u{1B}[2m[\(span.kind.rawValue)]\u{1B}[22m"
                } else {
                    out += "[REDACTED:\(span.kind.rawValue)]"
                }
                position = span.end
            }
            out += piece(position..<bytes.count)
            Terminal.printVerbatim(out)
            let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Terminal.printError("casevault: \(spans.count) redaction(s)" + (summary.isEmpty ? "" : ": \(summary)"))
        }
    }
}

/// Builds the engine's context from the vault: the client and everyone registered on the case (names,
/// addresses, identifiers), the case's terms, and the case's and organisation's allow-lists.
enum RedactionSetup {
    static func context(vault: Vault, caseID: String) throws -> RedactionContext {
        let detail = try vault.caseDetail(caseID)
        var people: [KnownPerson] = []
        func known(_ id: String, _ role: PersonRole, firstNameIsSafe: Bool) throws -> KnownPerson {
            let person = try vault.person(id)
            return KnownPerson(id: id, role: role, fullName: person.name, firstNameIsSafe: firstNameIsSafe,
                               addresses: [person.address].compactMap { $0 },
                               identifiers: [person.nhsNumber, person.phone, person.email].compactMap { $0 }, dateOfBirth: person.dob)
        }
        people.append(try known(detail.client, .client, firstNameIsSafe: false))
        for member in try vault.casePeople(caseID: caseID) {
            let role = PersonRole(rawValue: member.role.rawValue) ?? .thirdParty
            people.append(try known(member.personID, role, firstNameIsSafe: member.firstNameIsSafe))
        }
        let (own, organisation) = try vault.redactionTerms(caseID: caseID)
        return RedactionContext(people: people, customTerms: own.terms, allowList: own.allow + organisation.allow)
    }
}
