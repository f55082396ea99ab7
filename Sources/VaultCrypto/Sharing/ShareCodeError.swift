/// Why a typed share code was not accepted. Positions count words from 1 as printed; no message
/// contains a word of the code or anything of the share (`interactiveHint` is the one exception, for
/// the person typing it).
public enum ShareCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    /// The word at `position` is not in the word list; `suggestion` is the only close list word, if any.
    case unknownWord(position: Int, suggestion: String?)
    /// Too few words to be a share code at all.
    case tooShort(words: Int)
    /// The checksum located one wrong word.
    case wrongWord(position: Int)
    /// The checksum failed and the damage is not one word; `expectedWords` is set when the code's own
    /// header implies another length (a word left out or written twice).
    case severalWrongWords(words: Int, expectedWords: Int?)
    /// A valid code of a newer format than this release reads.
    case unsupportedVersion(Int)
    /// The checksum holds but the contents are impossible (a crafted code).
    case malformed
    /// The share was made for another vault or organisation.
    case otherContext

    public var description: String {
        switch self {
        case .empty:
            "no share code was entered"
        case .unknownWord(let position, let suggestion):
            "word \(position) is not in the share word list"
                + (suggestion == nil ? "; check it against the paper copy" : " (it looks like a misspelling of a list word); check it against the paper copy")
        case .tooShort(let words):
            "only \(words) word\(words == 1 ? "" : "s") entered, too few for a share code; enter every word of the share"
        case .wrongWord(let position):
            "word \(position) is wrong (the checksum shows it); check it against the paper copy"
        case .severalWrongWords(let words, let expected):
            if let expected, expected != words {
                "the share code has \(words) words but should have \(expected): a word was probably left out or "
                    + "written twice; check the code against the paper copy"
            } else {
                "more than one word of the share code is wrong; check it against the paper copy"
            }
        case .unsupportedVersion(let version):
            "this share code was made by a newer release (format \(version)); use that release to recover"
        case .malformed:
            "the share code passes its checksum but its contents are impossible; it was not made by casevault"
        case .otherContext:
            "this share was made for another vault or organisation; check that the trustee brought the right one"
        }
    }

    /// For the person typing the code only (it contains a word of their share): what to try instead.
    /// Never log it.
    public var interactiveHint: String? {
        if case .unknownWord(let position, let suggestion?) = self { return "did you mean \"\(suggestion)\" for word \(position)?" }
        return nil
    }
}
