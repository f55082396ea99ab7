import Consent
import Foundation
import XCTest

/// One scenario of Scenarios/scenarios.json (or of ../shared/consent-examples.json).
struct Scenario {
    var id: String
    var description: String
    var expected: Outcome
    var ruleIDs: Set<String>
    var covers: Set<String>
    /// Words that must each appear in the explanation: one per independent cause of a refusal.
    var explains: [String]
    var raw: Data
    var input: ConsentInput

    static func load(_ url: URL) throws -> [Scenario] {
        let data = try Data(contentsOf: url)
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return try list.map { entry in
            let raw = try JSONSerialization.data(withJSONObject: entry)
            return Scenario(
                id: entry["id"] as? String ?? "?",
                description: entry["description"] as? String ?? "",
                expected: Outcome(rawValue: entry["expected"] as? String ?? "") ?? .deny,
                ruleIDs: Set(entry["rule_ids"] as? [String] ?? []),
                covers: Set(entry["covers"] as? [String] ?? []),
                explains: entry["explains"] as? [String] ?? [],
                raw: raw,
                input: try ConsentInput.decode(raw)
            )
        }
    }

    static var scenarioFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scenarios/scenarios.json")
    }

    /// ../shared beside the repository (CI puts it there); nil when absent.
    static var sharedExamples: URL? {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = repo.deletingLastPathComponent().appendingPathComponent("shared/consent-examples.json")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
}

/// A small deterministic generator for the property tests (tests only; production code uses RAND_bytes).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func date(_ text: String) -> CivilDate {
    guard let value = CivilDate(iso: text) else { fatalError("bad test date \(text)") }
    return value
}
