import Foundation
import XCTest
@testable import VaultWeb

/// The activity log shows each event's action in words. An action the table does not know is shown as stored
/// ("organisation.directory_rekey"), which a manager cannot be expected to read: every action the core writes must
/// have its words. The core writes its actions as literals (`event("…")`, `action: "…"`), read here from its sources.
final class AuditWordsTests: XCTestCase {
    func testEveryActionTheCoreWritesHasWordsOnTheActivityLog() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources/VaultCore")
        let pattern = try NSRegularExpression(pattern: #"(?:event\(|action: )"([a-z_]+\.[a-z_.]+)""#)
        var actions = Set<String>()
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { actions.insert(String(text[range])) }
            }
        }
        XCTAssertGreaterThan(actions.count, 30, "the core's actions were not found in \(sources.path)")
        let missing = actions.filter { !$0.hasPrefix("state.") && AuditPage.actions[$0] == nil }.sorted()
        XCTAssertEqual(missing, [], "actions the activity log would show as stored, not in words")
    }
}
