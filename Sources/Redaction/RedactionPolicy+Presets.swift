/// Redaction policies as text: the clauses `--policy` has always taken, the named presets, and policy files
/// (one clause per line, `#` comments). The format is described in docs/bundle-policies.md.
///
/// ```
/// # trust-meeting: the NHS body's own meeting about the complaint
/// keep-client=name,date-of-birth,nhs-number
/// ```
extension RedactionPolicy {
    /// A named preset: who the bundle is for decides what stays readable.
    public enum Preset: String, Sendable, CaseIterable {
        /// Everyone's details redacted except registered staff acting in their role (the policy before presets).
        case standard = "default"
        /// The NHS body the complaint is about: it needs the patient's name, date of birth and NHS number to find
        /// the records; everyone else (relatives, neighbours, other patients) stays redacted.
        case trustMeeting = "trust-meeting"
        /// The Parliamentary and Health Service Ombudsman: like the trust, it must identify the patient.
        case phso
        /// Anyone else (an MP, a solicitor, the press with consent): everything personal redacted, staff too.
        case thirdParty = "third-party"

        /// The preset in the policy-file format.
        public var text: String {
            switch self {
            case .standard: "default"
            case .trustMeeting, .phso: "keep-client=name,date-of-birth,nhs-number"
            case .thirdParty: "redact-staff"
            }
        }

        public var summary: String {
            switch self {
            case .standard: "redacts everyone's details, keeps registered staff"
            case .trustMeeting: "keeps the patient's name, date of birth and NHS number for the NHS body; redacts everyone else"
            case .phso: "as trust-meeting, for the Ombudsman"
            case .thirdParty: "redacts everything personal, the patient's and staff names included"
            }
        }
    }

    /// A preset name, clauses separated by ';' or new lines, or a policy file's text. Clauses: a preset name,
    /// `redact-staff`, `keep=KIND,…` (kept for everyone), `keep-client=name,date-of-birth,nhs-number` (the
    /// client's own only). Later clauses add to earlier ones.
    public static func parse(_ text: String) throws(RedactionPolicyError) -> RedactionPolicy {
        var policy = RedactionPolicy.standard
        try policy.apply(text, depth: 0)
        return policy
    }

    private mutating func apply(_ text: String, depth: Int) throws(RedactionPolicyError) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == ";" })
        for line in lines {
            let clause = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces)
            if clause.isEmpty { continue }
            if let preset = Preset(rawValue: clause) {
                // Presets are written in the same clauses; one level is all they use.
                if preset != .standard, depth == 0 { try apply(preset.text, depth: 1) }
                continue
            }
            if clause == "redact-staff" {
                redactStaff = true
                continue
            }
            if clause.hasPrefix("keep-client=") {
                for item in Self.items(clause.dropFirst("keep-client=".count)) {
                    if item == "name" {
                        keepClientName = true
                    } else if let detail = ClientDetail(rawValue: item) {
                        keptClientDetails.insert(detail)
                    } else {
                        throw .unknownClientDetail(item)
                    }
                }
                continue
            }
            guard clause.hasPrefix("keep=") else { throw .unknownClause(clause) }
            for item in Self.items(clause.dropFirst(5)) {
                if item == "client-name" {
                    keepClientName = true
                } else if let kind = RedactionKind(rawValue: item.replacingOccurrences(of: "-", with: "_")) {
                    redactedKinds.remove(kind)
                } else {
                    throw .unknownKind(item)
                }
            }
        }
    }

    private static func items(_ list: Substring) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

public enum RedactionPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownClause(String)
    case unknownKind(String)
    case unknownClientDetail(String)

    public var description: String {
        switch self {
        case .unknownClause(let clause):
            "the policy clause '\(clause)' is not a preset (\(RedactionPolicy.Preset.allCases.map(\.rawValue).joined(separator: ", "))), "
                + "'redact-staff', 'keep=…' or 'keep-client=…'"
        case .unknownKind(let kind):
            "'\(kind)' cannot be kept: use client-name or one of \(RedactionKind.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownClientDetail(let detail):
            "'\(detail)' is not one of the client's details a policy can keep: use name, date-of-birth or nhs-number"
        }
    }
}

/// The client's own date of birth and NHS number as the policy keeps them: a span of those kinds is kept
/// only when its text is the client's (the same digits, the same date), so a relative's stays redacted.
struct KeptClientDetails: Sendable {
    private var nhsDigits: Set<String> = []
    private var birthDate: (year: Int, month: Int, day: Int)?
    /// The client's name as the policy keeps it, folded: a detector that reads the shape of text (the first
    /// line of an address block, a salutation) would otherwise redact in one place the name kept everywhere
    /// else, and the leak check would then find it on the cover.
    private var name: String?

    init(context: RedactionContext, policy: RedactionPolicy) {
        guard let client = context.people.first(where: { $0.role == .client }) else { return }
        if policy.keepClientName { name = Self.fold(client.fullName) }
        if policy.keptClientDetails.contains(.nhsNumber) {
            for identifier in client.identifiers where IdentifierKind.guess(identifier) == .nhsNumber {
                nhsDigits.insert(String(identifier.filter(\.isASCIIDigit)))
            }
        }
        if policy.keptClientDetails.contains(.dateOfBirth), let dob = client.dateOfBirth {
            let parts = dob.prefix(10).split(separator: "-").compactMap { Int($0) }
            if parts.count == 3 { birthDate = (parts[0], parts[1], parts[2]) }
        }
    }

    var isEmpty: Bool { nhsDigits.isEmpty && birthDate == nil && name == nil }

    /// Letters only, lower case, one space between words; a title before the name is dropped.
    static func fold(_ text: String) -> String {
        var words = text.lowercased().split { !$0.isLetter }.map(String.init)
        if let first = words.first, ["mr", "mrs", "ms", "miss", "mx", "dr"].contains(first), words.count > 1 { words.removeFirst() }
        return words.joined(separator: " ")
    }

    func isKept(_ span: RedactionSpan, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]), as: UTF8.self)
        if let name, span.personID == nil, Self.fold(text) == name { return true }
        switch span.kind {
        case .nhsNumber: return nhsDigits.contains(String(text.filter(\.isASCIIDigit)))
        case .dateOfBirth:
            guard let birthDate, let date = Self.date(text) else { return false }
            let sameYear = date.year < 100 ? date.year == birthDate.year % 100 : date.year == birthDate.year
            return sameYear && date.month == birthDate.month && date.day == birthDate.day
        default: return false
        }
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The date a date-of-birth span shows: 1946-03-14, 14/03/1946, 14-03-46, 14th March 1946, March 14, 1946.
    static func date(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let tokens = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        guard tokens.count == 3 else { return nil }
        if let month = tokens.firstIndex(where: { $0.first?.isLetter == true }) {
            guard let number = months.firstIndex(of: String(tokens[month].prefix(3))) else { return nil }
            let numbers = tokens.indices.filter { $0 != month }.compactMap { Int(tokens[$0].filter(\.isASCIIDigit)) }
            guard numbers.count == 2 else { return nil }
            let (day, year) = numbers[0] <= 31 && numbers[1] > 31 ? (numbers[0], numbers[1]) : (numbers[1], numbers[0])
            return (year, number + 1, day)
        }
        let numbers = tokens.compactMap { Int($0) }
        guard numbers.count == 3 else { return nil }
        return tokens[0].count == 4 ? (numbers[0], numbers[1], numbers[2]) : (numbers[2], numbers[1], numbers[0])
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
