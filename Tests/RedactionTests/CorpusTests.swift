import DocumentText
import Foundation
import Redaction
import XCTest
import ZIPFoundation

/// The hand-labelled corpus: 68 fictional complaint documents (letters, PALS emails, meeting notes, a
/// consent form, .docx files) with every sensitive string and the strings that must stay; 38 of them are
/// trick documents (invisible characters, look-alikes, right-to-left overrides, split, spaced, reversed and
/// run-together names, identifier variants, jobs before names, allow-listed terms in brackets), scored on their own.
final class CorpusTests: XCTestCase {
    struct Labels: Decodable {
        struct Person: Decodable {
            var id: String
            var role: String
            var full_name: String
            var title: String?
            var first_name_is_safe: Bool?
            var addresses: [String]
            var identifiers: [String]
        }

        struct Case: Decodable {
            var people: [Person]
            var custom_terms: [String]
            var allow_list: [String]
        }

        struct Document: Decodable {
            var sensitive: [[String]]
            var kept: [String]
            /// Needs the normalisation layer (invisible characters, look-alikes, split words, identifier variants).
            var tricks: Bool?
        }

        var `case`: Case
        var documents: [String: Document]
    }

    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }

    static func labels() throws -> Labels {
        try JSONDecoder().decode(Labels.self, from: Data(contentsOf: fixtures.appendingPathComponent("corpus-labels.json")))
    }

    static func context(_ labels: Labels) -> RedactionContext {
        RedactionContext(
            people: labels.case.people.map {
                KnownPerson(id: $0.id, role: PersonRole(rawValue: $0.role)!, fullName: $0.full_name, title: $0.title,
                            firstNameIsSafe: $0.first_name_is_safe ?? false, addresses: $0.addresses, identifiers: $0.identifiers)
            },
            customTerms: labels.case.custom_terms, allowList: labels.case.allow_list)
    }

    /// A .docx made in memory from a WordprocessingML body, as Word would zip it.
    static func docx(_ documentXML: Data) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let contentTypes = Data(#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.utf8)
        for (path, data) in [("[Content_Types].xml", contentTypes), ("word/document.xml", documentXML)] {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try XCTUnwrap(archive.data)
    }

    static func extract(_ name: String) throws -> String {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("corpus").appendingPathComponent(name))
        if name.hasSuffix(".docx.xml") { return try TextExtractor.extract(data: try docx(data), format: .docx).renderedText }
        let format = try XCTUnwrap(SourceFormat.guess(mediaType: nil, fileName: name))
        return try TextExtractor.extract(data: data, format: format).renderedText
    }

    /// Every occurrence of `needle` (ignoring case) in `text`, as UTF-8 byte ranges.
    func occurrences(of needle: String, in text: String) -> [Range<Int>] {
        let haystack = Array(text.lowercased().utf8), pattern = Array(needle.lowercased().utf8)
        guard text.lowercased().utf8.count == text.utf8.count, !pattern.isEmpty, pattern.count <= haystack.count else { return [] }
        return (0...(haystack.count - pattern.count)).filter { Array(haystack[$0..<($0 + pattern.count)]) == pattern }.map { $0..<($0 + pattern.count) }
    }

    /// Label kinds by what the targets say of them: registered people and identifiers must all be found;
    /// addresses of people not registered and names not registered at least 95 %.
    static let categories: [(name: String, kinds: Set<String>, target: Double)] = [
        ("registered people", ["person_name"], 1.0),
        ("registered addresses and custom terms", ["address", "custom_term"], 1.0),
        ("identifiers", ["nhs_number", "nino", "email", "phone", "date_of_birth", "postcode"], 1.0),
        ("addresses (not registered)", ["street_address"], 0.95),
        ("unregistered names", ["unregistered_name"], 0.95),
    ]
    static let precisionTarget = 0.95
    /// The trick documents (invisible characters, look-alikes, split and letter-spaced words, identifier
    /// variants) are held to the same targets as the rest: every detector reads through the tricks.
    static let assertTricks = true

    struct Score {
        var found: [String: Int] = [:]
        var total: [String: Int] = [:]
        var spans = 0
        var truePositives = 0
        var keptChecked = 0
        var misses: [String] = []
        var falsePositives: [String] = []

        func recall(_ kinds: Set<String>) -> (Int, Int) {
            (kinds.reduce(0) { $0 + found[$1, default: 0] }, kinds.reduce(0) { $0 + total[$1, default: 0] })
        }

        var precision: Double { spans == 0 ? 1 : Double(truePositives) / Double(spans) }

        func report(_ title: String) -> String {
            var lines = ["\(title):"]
            for category in CorpusTests.categories {
                let (hit, all) = recall(category.kinds)
                lines.append(String(format: "  recall %-40@ %3d/%3d = %5.1f %%", category.name as NSString, hit, all, all == 0 ? 100 : 100 * Double(hit) / Double(all)))
            }
            lines.append(String(format: "  precision %d/%d spans = %5.1f %%", truePositives, spans, 100 * precision))
            return lines.joined(separator: "\n")
        }
    }

    /// Redacts each document and scores it against its labels; kept texts are checked here too (`keptFailures`).
    func score(_ labels: Labels, tricks: Bool, keptFailures: inout [String]) throws -> Score {
        let redactor = Redactor(context: Self.context(labels))
        var score = Score()
        for (name, document) in labels.documents.sorted(by: { $0.key < $1.key }) where (document.tricks ?? false) == tricks {
            let text = try Self.extract(name)
            let spans = redactor.spans(in: text)
            // CORPUS_SPANS=1 prints every span (to see what a change to the engine found or lost).
            if ProcessInfo.processInfo.environment["CORPUS_SPANS"] != nil {
                for span in spans { print("span \(name) \(span.start)..<\(span.end) \(span.kind.rawValue) \(span.detector) '\(text[span.range(in: text)])'") }
            }
            var labelled: [Range<Int>] = []
            for pair in document.sensitive {
                let (kind, value) = (pair[0], pair[1])
                let places = occurrences(of: value, in: text)
                XCTAssertFalse(places.isEmpty, "\(name): label '\(kind)' not present in the extracted text (fix the label)")
                XCTAssertTrue(Self.categories.contains { $0.kinds.contains(kind) }, "\(name): unknown label kind \(kind)")
                for place in places {
                    labelled.append(place)
                    score.total[kind, default: 0] += 1
                    if spans.contains(where: { $0.start <= place.lowerBound && place.upperBound <= $0.end }) {
                        score.found[kind, default: 0] += 1
                    } else {
                        score.misses.append("\(name): \(kind) '\(value)' at \(place)")
                    }
                }
            }
            for span in spans {
                score.spans += 1
                if labelled.contains(where: { $0.lowerBound < span.end && span.start < $0.upperBound }) {
                    score.truePositives += 1
                } else {
                    score.falsePositives.append("\(name): \(span.kind.rawValue) (\(span.detector)) '\(text[span.range(in: text)])'")
                }
            }
            for value in document.kept {
                let places = occurrences(of: value, in: text)
                XCTAssertFalse(places.isEmpty, "\(name): kept text not present (fix the label)")
                for place in places {
                    if spans.contains(where: { $0.start < place.upperBound && place.lowerBound < $0.end }) {
                        keptFailures.append("\(name): kept text at \(place) was redacted")
                    }
                    score.keptChecked += 1
                }
            }
        }
        return score
    }

    func testRecallPerKindAndPrecisionOnTheLabelledCorpus() throws {
        let labels = try Self.labels()
        XCTAssertGreaterThanOrEqual(labels.documents.count, 36)
        var keptFailures: [String] = []
        let score = try score(labels, tricks: false, keptFailures: &keptFailures)
        print(score.report("Labelled corpus (\(labels.documents.values.filter { !($0.tricks ?? false) }.count) documents)"))
        for miss in score.misses { print("  missed: \(miss)") }
        for falsePositive in score.falsePositives { print("  not labelled: \(falsePositive)") }
        for failure in keptFailures { XCTFail(failure) }
        for category in Self.categories {
            let (hit, all) = score.recall(category.kinds)
            XCTAssertGreaterThan(all, 0, category.name)
            XCTAssertGreaterThanOrEqual(Double(hit), category.target * Double(all), "recall on \(category.name): \(hit)/\(all)")
        }
        XCTAssertGreaterThanOrEqual(score.precision, Self.precisionTarget, "precision \(score.truePositives)/\(score.spans)")
        XCTAssertGreaterThan(score.total.values.reduce(0, +), 200)
        XCTAssertGreaterThan(score.keptChecked, 80)
    }

    func testTrickDocumentsAfterNormalisation() throws {
        let labels = try Self.labels()
        XCTAssertGreaterThanOrEqual(labels.documents.values.filter { $0.tricks ?? false }.count, 38)
        var keptFailures: [String] = []
        let score = try score(labels, tricks: true, keptFailures: &keptFailures)
        print(score.report("Trick documents (invisible characters, look-alikes, split and letter-spaced words)"))
        for miss in score.misses { print("  missed: \(miss)") }
        for falsePositive in score.falsePositives { print("  not labelled: \(falsePositive)") }
        guard Self.assertTricks else { return }
        for failure in keptFailures { XCTFail(failure) }
        for category in Self.categories {
            let (hit, all) = score.recall(category.kinds)
            XCTAssertGreaterThan(all, 0, "tricks: no trick document has \(category.name)")
            XCTAssertGreaterThanOrEqual(Double(hit), category.target * Double(all), "tricks: recall on \(category.name): \(hit)/\(all)")
        }
        XCTAssertGreaterThanOrEqual(score.precision, Self.precisionTarget, "tricks: precision")
    }

    func testRedactedCorpusTextContainsNoneOfTheSensitiveStrings() throws {
        let labels = try Self.labels()
        let redactor = Redactor(context: Self.context(labels))
        let strict = Set(Self.categories.filter { $0.target == 1 }.flatMap(\.kinds))
        for (name, document) in labels.documents where !(document.tricks ?? false) || Self.assertTricks {
            let redacted = redactor.redact(try Self.extract(name)) { "[REDACTED:\($0.kind.rawValue)]" }
            for pair in document.sensitive where strict.contains(pair[0]) {
                XCTAssertFalse(redacted.lowercased().contains(pair[1].lowercased()), "\(name): \(pair[0]) survived")
            }
        }
    }
}
