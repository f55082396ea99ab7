import CSystemZlib
import Foundation
import XCTest

/// The package root, found from this file's path so tests run from any working directory.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared` beside the clone (read-only project material, present in CI).
let sharedDirectory = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

/// The top level every Wycheproof file shares; `Group` is the file's own group shape.
struct WycheproofFile<Group: Decodable>: Decodable {
    let algorithm: String
    let numberOfTests: Int
    let testGroups: [Group]
}

enum WycheproofResult: String, Decodable {
    case valid, invalid, acceptable
}

/// Loads `../shared/testvectors/wycheproof/NAME`, or skips the test with a visible message when `../shared`
/// is absent (a clone without the project's shared folder beside it).
func loadWycheproof<Group: Decodable>(_ name: String, as: Group.Type) throws -> WycheproofFile<Group> {
    let url = sharedDirectory.appendingPathComponent("testvectors/wycheproof").appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
        print("SKIPPED: \(name): ../shared/testvectors/wycheproof is absent (expected at \(url.path))")
        throw XCTSkip("../shared is absent: Wycheproof vectors \(name) not found at \(url.path)")
    }
    return try JSONDecoder().decode(WycheproofFile<Group>.self, from: Data(contentsOf: url))
}

/// Tallies one vector file's outcomes and prints the line the issue asks for.
struct VectorTally {
    let name: String
    var vectors = 0
    var passed = 0
    var rejectedUnsupported = 0
    var acceptableNotes: [String: Int] = [:]
    var failures: [String] = []

    init(_ name: String) { self.name = name }

    mutating func fail(_ tcId: Int, _ why: String) { failures.append("tcId \(tcId): \(why)") }

    func report(file: StaticString = #filePath, line: UInt = #line) {
        var text = "\(name): \(vectors) vectors, \(passed) checked, \(rejectedUnsupported) rejected as unsupported sizes, \(failures.count) failures"
        if !acceptableNotes.isEmpty {
            text += " (acceptable: " + acceptableNotes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }
        print(text)
        XCTAssertEqual(passed + rejectedUnsupported, vectors, "\(name): every vector must be accounted for", file: file, line: line)
        XCTAssertTrue(failures.isEmpty, "\(name): \(failures.prefix(20).joined(separator: "; "))", file: file, line: line)
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: continue
            }
            if let h = high { bytes.append(h << 4 | v); high = nil } else { high = v }
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// Inflates a zlib stream with the system zlib (the Cobblestone vectors store `ct` compressed).
func zlibInflate(_ compressed: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard CSystemZlibShims_inflateInit(&stream) == Z_OK else { throw InflateError() }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = compressed
    let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
        stream.next_in = inBuf.baseAddress
        stream.avail_in = uInt(inBuf.count)
        while true {
            let rc: Int32 = chunk.withUnsafeMutableBufferPointer { outBuf in
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
            if rc == Z_STREAM_END { return rc }
            if rc != Z_OK { return rc }
            if stream.avail_in == 0 && stream.avail_out != 0 { return rc }
        }
    }
    guard status == Z_STREAM_END || status == Z_OK else { throw InflateError() }
    return output
}

struct InflateError: Error {}
