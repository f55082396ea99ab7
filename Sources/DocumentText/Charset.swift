import Foundation

/// Character sets seen in UK NHS email: UTF-8, ASCII, ISO-8859-1 and Windows-1252 (curly quotes, €).
enum Charset {
    static let windows1252: [UInt16] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
                                        0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]

    static func decode(_ data: Data, charset: String?) -> String {
        switch charset?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) {
        case "iso-8859-1"?, "latin1"?, "iso8859-1"?, "latin-1"?:
            return String(String.UnicodeScalarView(data.map { Unicode.Scalar($0) }))
        case "windows-1252"?, "cp1252"?:
            return String(String.UnicodeScalarView(data.map { byte in
                (0x80...0x9F).contains(byte) ? Unicode.Scalar(windows1252[Int(byte - 0x80)]) ?? Unicode.Scalar(byte) : Unicode.Scalar(byte)
            }))
        default:
            // UTF-8 and ASCII; invalid sequences become U+FFFD rather than failing the whole document.
            var bytes = [UInt8](data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
