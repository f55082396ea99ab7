import Foundation

/// Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226), as authenticator apps compute them: HMAC of the
/// number of `period`-second steps since 1970, dynamically truncated to `digits` decimal digits.
public struct TOTP: Sendable {
    /// What authenticator apps assume when an otpauth URI says nothing else: SHA-1, 6 digits, 30 seconds.
    public static let secretSize = 20
    public let digest: HMACDigest
    public let digits: Int
    public let period: Int64

    public init(digest: HMACDigest = .sha1, digits: Int = 6, period: Int64 = 30) {
        self.digest = digest
        self.digits = digits
        self.period = period
    }

    /// The time step a moment falls in.
    public func step(at unixSeconds: Int64) -> Int64 { unixSeconds >= 0 ? unixSeconds / period : (unixSeconds - period + 1) / period }

    /// HOTP(K, step): the code as the app shows it, zero-padded.
    public func code(secret: SecureBytes, step: Int64) throws -> String {
        var counter = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { counter[index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> (56 - 8 * UInt64(index))) }
        var mac = try digest.authenticationCode(for: counter, key: secret)
        defer { secureZero(&mac) }
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus = modulus &* 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    /// The step whose code `candidate` is, within ±`window` steps of `unixSeconds`, or nil. Every step in the window is
    /// computed and compared in constant time, so the answer's timing says nothing about which step matched.
    public func matchingStep(_ candidate: String, secret: SecureBytes, at unixSeconds: Int64, window: Int64 = 1) throws -> Int64? {
        let typed = Array(candidate.filter { !$0.isWhitespace }.utf8)
        guard typed.count == digits, typed.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let now = step(at: unixSeconds)
        var found: Int64?
        for step in (now - window)...(now + window) {
            if constantTimeEquals(Array(try code(secret: secret, step: step).utf8), typed), found == nil { found = step }
        }
        return found
    }

    /// The `otpauth://` URI an authenticator app reads (usually from a QR code): Google Authenticator's key URI format.
    /// `label` names the account in the app; it should name no client (the phone shows it).
    public func uri(secret: SecureBytes, issuer: String, label: String) -> String {
        func escaped(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }
        let algorithm = digest.rawValue.uppercased()
        return "otpauth://totp/\(escaped(issuer)):\(escaped(label))?secret=\(Base32.encode(secret))&issuer=\(escaped(issuer))"
            + "&algorithm=\(algorithm)&digits=\(digits)&period=\(period)"
    }
}

/// RFC 4648 base32 (A–Z, 2–7), without padding, as otpauth URIs carry secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: SecureBytes) -> String {
        bytes.withUnsafeBytes { raw in
            var out: [UInt8] = []
            var buffer: UInt32 = 0
            var bits = 0
            for byte in raw {
                buffer = (buffer << 8) | UInt32(byte)
                bits += 8
                while bits >= 5 {
                    out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                    bits -= 5
                }
            }
            if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Accepts lower case, spaces and padding as people type them; nil for anything else.
    public static func decode(_ text: String) -> SecureBytes? {
        var out: [UInt8] = []
        defer { secureZero(&out) }
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: " ") && character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits - 8)))
                bits -= 8
            }
        }
        return SecureBytes(copying: out)
    }
}
