import Foundation
import Redaction
import XCTest
import ZIPFoundation

/// The hand-labelled corpus: 16 fictional complaint documents (letters, PALS emails, meeting notes, a
/// consent form, .docx files) with the sensitive strings and the strings that must stay.
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

    func testFullRecallOnTheLabelledCorpusAndAllowListedNamesKept() throws {
        let labels = try Self.labels()
        XCTAssertGreaterThanOrEqual(labels.documents.count, 15)
        let redactor = Redactor(context: Self.context(labels))
        var checked = 0
        var keptChecked = 0
        for (name, document) in labels.documents.sorted(by: { $0.key < $1.key }) {
            let text = try Self.extract(name)
            let spans = redactor.spans(in: text)
            for pair in document.sensitive {
                let (kind, value) = (pair[0], pair[1])
                let places = occurrences(of: value, in: text)
                XCTAssertFalse(places.isEmpty, "\(name): label '\(kind)' not present in the extracted text (fix the label)")
                for place in places {
                    XCTAssertTrue(spans.contains { $0.start <= place.lowerBound && place.upperBound <= $0.end },
                                  "\(name): \(kind) at \(place) not redacted")
                    checked += 1
                }
            }
            for value in document.kept {
                let places = occurrences(of: value, in: text)
                XCTAssertFalse(places.isEmpty, "\(name): kept text not present (fix the label)")
                for place in places {
                    XCTAssertFalse(spans.contains { $0.start < place.upperBound && place.lowerBound < $0.end },
                                   "\(name): kept text at \(place) was redacted")
                    keptChecked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
        XCTAssertGreaterThan(keptChecked, 30)
    }

    func testRedactedCorpusTextContainsNoneOfTheSensitiveStrings() throws {
        let labels = try Self.labels()
        let redactor = Redactor(context: Self.context(labels))
        for (name, document) in labels.documents {
            let redacted = redactor.redact(try Self.extract(name)) { "[REDACTED:\($0.kind.rawValue)]" }
            for pair in document.sensitive {
                XCTAssertFalse(redacted.lowercased().contains(pair[1].lowercased()), "\(name): \(pair[0]) survived")
            }
        }
    }
}
