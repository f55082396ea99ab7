import Foundation
import XCTest
@testable import VaultCore

/// Sealed payloads carry a format version; the unversioned payloads of earlier releases still read, and a payload
/// from a newer release is refused by name rather than misread.
final class SealedFormatTests: XCTestCase {
    struct Terms: Codable, Equatable {
        var terms: [String]
    }

    func testCurrentVersionRoundTripsAndIsWrittenWithItsVersion() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try SealedFormat.encode(Terms(terms: ["Ward 7B"]), with: encoder)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"format_version":1,"value":{"terms":["Ward 7B"]}}"#)
        XCTAssertEqual(try SealedFormat.decode(Terms.self, from: data), Terms(terms: ["Ward 7B"]))
    }

    func testUnversionedPayloadsOfEarlierReleasesStillRead() throws {
        XCTAssertEqual(try SealedFormat.decode(Terms.self, from: Data(#"{"terms":["Ward 7B"]}"#.utf8)), Terms(terms: ["Ward 7B"]))
    }

    func testNewerVersionIsRefusedAndGarbageIsUnreadable() {
        XCTAssertThrowsError(try SealedFormat.decode(Terms.self, from: Data(#"{"format_version":2,"value":{"terms":[]}}"#.utf8))) { error in
            guard case SealedFormat.Failure.newer(2) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try SealedFormat.decode(Terms.self, from: Data(#"{"format_version":1,"value":{"words":[]}}"#.utf8))) { error in
            guard case SealedFormat.Failure.unreadable = error else { return XCTFail("\(error)") }
        }
    }
}
