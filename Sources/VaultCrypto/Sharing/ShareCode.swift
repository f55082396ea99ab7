/// A share as words a trustee can write down and type back: a 16-byte header and the share's value,
/// 11 bits per word from the BIP-39 English list, then three checksum words (`ShareChecksum`).
///
/// Header: format version (1), split id (4), threshold (1), index (1), value length (1), context
/// tag (4), secret check (4) — every field `Shamir.combine` needs to refuse what does not belong.
/// The bits are packed big-endian; the last data word is padded with zero bits. A 32-byte key gives
/// 35 data words + 3 checksum words = 38 words.
///
/// A share code is as sensitive as the share: the words are Strings, which cannot be wiped, so they
/// should go straight to the printer or screen. The working byte arrays here are wiped. Words are
/// looked up by value (the list, a dictionary), which is not constant time; share codes are typed and
/// printed at human speed on the trustee's own terminal, where the text itself is on show.
public enum ShareCode {
    public static let formatVersion = 1
    static let headerLength = 16
    /// The word holding byte 7 (the value's length): bits 56...63 fall in word 5 (bits 55...65).
    static let lengthWordIndex = 5

    /// The words for `share`, in order.
    public static func words(for share: Share) -> [String] {
        // Built in place with room reserved, so no reallocation leaves an unwiped copy behind.
        var payload: [UInt8] = []
        payload.reserveCapacity(headerLength + share.value.count)
        payload += [UInt8(formatVersion)] + share.splitID.bytes
        payload += [UInt8(share.threshold), UInt8(share.index), UInt8(share.value.count)]
        payload += Shamir.bigEndian(share.contextTag) + Shamir.bigEndian(share.secretCheck)
        share.value.withUnsafeBytes { payload.append(contentsOf: $0) }
        defer { secureZero(&payload) }
        var symbols = pack(payload, extraCapacity: ShareChecksum.wordCount)
        defer { symbols.withUnsafeMutableBytes { secureZero($0) } }
        symbols += ShareChecksum.checksum(for: symbols)
        return symbols.map { shareWordList[Int($0)] }
    }

    /// The words numbered in lines of four, for printing on a trustee's sheet.
    public static func printable(_ words: [String]) -> String {
        stride(from: 0, to: words.count, by: 4).map { start in
            words[start..<min(start + 4, words.count)].enumerated().map { offset, word in
                let number = String(start + offset + 1)
                let cell = String(repeating: " ", count: 3 - number.count) + number + ". " + word
                return cell + String(repeating: " ", count: max(0, 14 - cell.count))
            }.joined(separator: " ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    /// The share a trustee typed, checked word by word, by its checksum, and against `context` (the
    /// same string given to `Shamir.split`).
    public static func decode(_ text: String, context: String) throws(ShareCodeError) -> Share {
        let tokens = ShareWords.tokens(text)
        guard !tokens.isEmpty else { throw .empty }
        var symbols: [UInt16] = []
        symbols.reserveCapacity(tokens.count)
        defer { symbols.withUnsafeMutableBytes { secureZero($0) } }
        for (offset, token) in tokens.enumerated() {
            guard let symbol = ShareWords.indexByWord[token] else {
                throw .unknownWord(position: offset + 1, suggestion: ShareWords.suggestion(for: token))
            }
            symbols.append(symbol)
        }
        let minimumWords = dataWords(forValueLength: Shamir.minimumSecretLength) + ShareChecksum.wordCount
        guard symbols.count >= minimumWords else { throw .tooShort(words: symbols.count) }
        let verdict = ShareChecksum.verify(symbols)
        if verdict != .valid {
            // Byte 7, the value's length, sits in word 6 (index 5). Unverified, it still tells whether the
            // code is a word or two longer or shorter than its header says: then a word was left out or
            // written twice (which can also look like one wrong word, e.g. the last word repeated), unless
            // the checksum blames word 6 itself.
            var head = unpack(symbols, byteCount: 8)
            defer { secureZero(&head) }
            let expected = dataWords(forValueLength: Int(head[7])) + ShareChecksum.wordCount
            let countLooksWrong = (1...2).contains(abs(expected - symbols.count))
            switch verdict {
            case .oneWrongWord(let position) where position == lengthWordIndex || !countLooksWrong:
                throw .wrongWord(position: position + 1)
            default:
                throw .severalWrongWords(words: symbols.count, expectedWords: countLooksWrong ? expected : nil)
            }
        }
        var data = Array(symbols.dropLast(ShareChecksum.wordCount))
        defer { data.withUnsafeMutableBytes { secureZero($0) } }
        let byteCount = data.count * 11 / 8
        var payload = unpack(data, byteCount: byteCount)
        defer { secureZero(&payload) }
        guard Int(payload[0]) == formatVersion else { throw .unsupportedVersion(Int(payload[0])) }
        let length = Int(payload[7])
        guard length >= Shamir.minimumSecretLength, dataWords(forValueLength: length) == data.count,
              paddingIsZero(data, usedBits: (headerLength + length) * 8) else { throw .malformed }
        let threshold = Int(payload[5]), index = Int(payload[6])
        guard (2...255).contains(threshold), (1...255).contains(index) else { throw .malformed }
        let contextTag = UInt32(bytes: payload[8..<12]), check = UInt32(bytes: payload[12..<16])
        guard contextTag == Share.contextTag(for: context) else { throw .otherContext }
        let value = payload.withUnsafeBytes { SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0[headerLength..<(headerLength + length)])) }
        return Share(
            splitID: ShareSplitID(bytes: payload[1..<5]), threshold: threshold, index: index,
            contextTag: contextTag, secretCheck: check, value: value
        )
    }

    static func dataWords(forValueLength length: Int) -> Int {
        ((headerLength + length) * 8 + 10) / 11
    }

    /// Bytes to 11-bit symbols, big-endian, the last one padded with zero bits.
    static func pack(_ bytes: [UInt8], extraCapacity: Int = 0) -> [UInt16] {
        var symbols: [UInt16] = []
        symbols.reserveCapacity((bytes.count * 8 + 10) / 11 + extraCapacity)
        var accumulator: UInt32 = 0, bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | UInt32(byte)
            bits += 8
            if bits >= 11 {
                bits -= 11
                symbols.append(UInt16((accumulator >> UInt32(bits)) & 0x7FF))
            }
        }
        if bits > 0 { symbols.append(UInt16((accumulator << UInt32(11 - bits)) & 0x7FF)) }
        accumulator = 0
        return symbols
    }

    /// The first `byteCount` bytes of the bit string the symbols spell.
    static func unpack(_ symbols: [UInt16], byteCount: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        var accumulator: UInt32 = 0, bits = 0
        for symbol in symbols where bytes.count < byteCount {
            accumulator = accumulator << 11 | UInt32(symbol)
            bits += 11
            while bits >= 8, bytes.count < byteCount {
                bits -= 8
                bytes.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
            accumulator &= (1 << UInt32(bits)) - 1
        }
        return bytes
    }

    /// Whether the bits after the first `usedBits` are zero, as `pack` leaves them.
    static func paddingIsZero(_ symbols: [UInt16], usedBits: Int) -> Bool {
        let padding = symbols.count * 11 - usedBits
        guard padding >= 0, padding < 11, let last = symbols.last else { return false }
        return last & ((1 << UInt16(padding)) - 1) == 0
    }
}

extension UInt32 {
    init(bytes: some Collection<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
