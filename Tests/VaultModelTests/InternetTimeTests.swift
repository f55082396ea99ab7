import Foundation
import XCTest
@testable import VaultModel

/// InternetTime replaces ISO8601DateFormatter (`.withInternetDateTime`) on every stored time, so it must write and
/// read exactly what the formatter does: the formatter is the oracle here.
final class InternetTimeTests: XCTestCase {
    private let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    func testWritesWhatTheFormatterWrites() {
        var generator = SystemRandomNumberGenerator()
        // 1901 to 2099, with fractions of a second, and the edges of days, seconds and leap years.
        var instants: [TimeInterval] = [0, -1, -0.5, 0.999, 0.9996, -0.0004, 86_399.999, 951_782_400, 1_709_164_800, 4_107_542_399, -2_177_452_800]
        for _ in 0..<5_000 { instants.append(TimeInterval.random(in: -2_177_452_800...4_102_444_799, using: &generator)) }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            XCTAssertEqual(InternetTime.string(from: date), formatter.string(from: date), "at \(instant)")
        }
    }

    func testReadsWhatTheFormatterReads() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(Int.random(in: -2_000_000_000...4_000_000_000, using: &generator))))
            XCTAssertEqual(InternetTime.date(from: text), formatter.date(from: text), text)
        }
        for text in ["2026-12-07T16:21:41+01:00", "2026-12-07T00:21:41-05:30", "2024-02-29T23:59:59+00:00", "2000-01-01T00:00:00Z"] {
            XCTAssertNotNil(InternetTime.date(from: text), text)
            XCTAssertEqual(InternetTime.date(from: text), formatter.date(from: text), text)
        }
    }

    func testRefusesWhatIsNotATime() {
        for text in ["", "2026-12-07", "2026-12-07T16:21:41", "2026-12-07 16:21:41Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
                     "2026-12-07T24:00:00Z", "2026-12-07T16:60:00Z", "2026-12-07T16:21:41z", "2026-12-07T16:21:41+1:00X",
                     "２０２６-12-07T16:21:41Z", "2026-12-07T16:21:41.5Z"] {
            XCTAssertNil(InternetTime.date(from: text), text)
        }
    }
}
