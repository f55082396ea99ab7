/// Lowercase hex without going through `String(format:)`, which costs more than the hashing it prints.
private let hexDigits = Array("0123456789abcdef".utf8)

extension Sequence where Element == UInt8 {
    public var hexString: String {
        let digits = hexDigits
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
