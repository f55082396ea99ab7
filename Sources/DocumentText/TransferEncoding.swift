import Foundation

/// Content-transfer encodings and RFC 2047 encoded words.
enum TransferEncoding {
    static func quotedPrintable(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < data.count {
            let byte = data[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: "=" then optional spaces then CRLF or LF.
                var next = index + 1
                while next < data.count, data[next] == UInt8(ascii: " ") || data[next] == UInt8(ascii: "\t") { next += 1 }
                if next < data.count, data[next] == UInt8(ascii: "\r") { next += 1 }
                if next < data.count, data[next] == UInt8(ascii: "\n") {
                    index = next + 1
                    continue
                }
                if next >= data.count {
                    index = next
                    continue
                }
                if index + 2 < data.count, let high = hex(data[index + 1]), let low = hex(data[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    static func base64(_ data: [UInt8]) -> [UInt8] {
        let cleaned = data.filter { !($0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09) }
        var padded = cleaned
        while padded.count % 4 != 0 { padded.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(padded)).map { [UInt8]($0) } ?? []
    }

    /// `=?charset?Q|B?text?=` words in a header value (RFC 2047), joined as the RFC says.
    static func decodeHeader(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var lastWasEncoded = false
        while let open = rest.range(of: "=?") {
            let before = rest[rest.startIndex..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            let parts = afterOpen.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("="), parts[1].count == 1 else {
                result += before + "=?"
                rest = afterOpen
                lastWasEncoded = false
                continue
            }
            // Whitespace between two encoded words is dropped.
            if !(lastWasEncoded && before.allSatisfy(\.isWhitespace)) { result += before }
            let charset = String(parts[0]).split(separator: "*").first.map(String.init)
            let encoding = parts[1].lowercased()
            let text = Array(parts[2].utf8)
            let decoded: [UInt8]
            if encoding == "b" {
                decoded = base64(text)
            } else {
                decoded = quotedPrintable(text.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 })
            }
            result += Charset.decode(Data(decoded), charset: charset)
            rest = parts[3].dropFirst()
            lastWasEncoded = true
        }
        return result + rest
    }
}
