/// Personal-data detection for meeting bundles: text in, spans out. Pure (no I/O, no clock, no globals
/// with state).
///
/// ```swift
/// let context = RedactionContext(people: [KnownPerson(id: "per-1", role: .relative, fullName: "Joanne Ellis")],
///                                customTerms: ["Ward 7B"], allowList: ["Norfolk and Norwich University Hospitals"])
/// let redactor = Redactor(context: context, policy: .standard)
/// let spans = redactor.spans(in: text)                       // merged, sorted, non-overlapping
/// let shown = redactor.redact(text) { "[REDACTED:\($0.kind.rawValue)]" }
/// ```
///
/// Spans carry UTF-8 byte offsets into the text (what the bundle writer and `--json` need) and the
/// equivalent `String.Index` range. A span's `reason` never contains the matched text.
public enum RedactionKind: String, Sendable, Codable, CaseIterable, Comparable {
    case nhsNumber = "nhs_number"
    case nino
    case email
    case phone
    case dateOfBirth = "date_of_birth"
    case postcode
    case address
    case personName = "person_name"
    /// A likely personal name that is not registered on the case (redacted by default).
    case unregisteredName = "unregistered_name"
    case customTerm = "custom_term"

    /// Declaration order, written out (merging compares kinds for every overlap, a hot path: a dictionary
    /// lookup hashed the kind each time); DetectorTests checks it against `allCases`.
    var rank: Int {
        switch self {
        case .nhsNumber: 0
        case .nino: 1
        case .email: 2
        case .phone: 3
        case .dateOfBirth: 4
        case .postcode: 5
        case .address: 6
        case .personName: 7
        case .unregisteredName: 8
        case .customTerm: 9
        }
    }

    /// When spans of several kinds merge, the most specific kind (declared first) names the result.
    var specificity: Int { RedactionKind.allCases.count - rank }

    public static func < (lhs: RedactionKind, rhs: RedactionKind) -> Bool { lhs.rank < rhs.rank }
}

public struct RedactionSpan: Sendable, Equatable, Codable {
    /// UTF-8 byte offsets into the text.
    public var start: Int
    public var end: Int
    public var kind: RedactionKind
    public var detectorID: Detector
    /// The known person the span belongs to, when a person's name, address or identifier matched.
    public var personID: String?
    public var personRole: PersonRole?

    public init(start: Int, end: Int, kind: RedactionKind, detector: Detector, personID: String? = nil, role: PersonRole? = nil) {
        self.start = start
        self.end = end
        self.kind = kind
        self.detectorID = detector
        self.personID = personID
        self.personRole = role
    }

    public var detector: String { detectorID.rawValue }

    /// Why this was redacted, in words; names people by id and never contains the matched text.
    public var reason: String {
        let whose = personID.map { " of \(personRole?.rawValue ?? "person") \($0)" } ?? ""
        switch detectorID {
        case .nhsNumber: return "NHS number (valid check digit)"
        case .nhsNumberLabel: return "10 digits after an NHS number label (check digit fails: redacted to fail safe)"
        case .nino: return "National Insurance number"
        case .postcode: return "UK postcode"
        case .ukPhone: return "UK phone number"
        case .email: return "email address"
        case .dateOfBirth: return "date of birth (after a label)"
        case .knownPerson: return "name" + whose
        case .knownAddress: return "address" + whose
        case .knownIdentifier: return "identifier" + whose
        case .customTerm: return "custom term of the case"
        case .allowList: return "allowed"
        case .streetAddress: return "street address (house or flat number and street)"
        case .addressBlock: return "address line above a postcode"
        case .knownFirstName: return "first name" + whose + " (their surname is in the same text)"
        case .titledName: return "name after a title (not registered on the case)"
        case .relationName: return "name after a relation word (not registered on the case)"
        case .salutationName: return "name in a salutation (not registered on the case)"
        case .signatureName: return "name in a signature (not registered on the case)"
        case .listedName: return "given name or surname from the name list (not registered on the case)"
        case .repeatedName: return "a name found elsewhere in the text (not registered on the case)"
        case .emailName: return "name written before an e-mail address (not registered on the case)"
        }
    }

    public var utf8Range: Range<Int> { start..<end }

    /// The same range as `String.Index`es of `text` (the text the span was found in).
    public func range(in text: String) -> Range<String.Index> {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        return lower..<utf8.index(lower, offsetBy: end - start)
    }

    enum CodingKeys: String, CodingKey { case start, end, kind, detectorID = "detector", personID = "person_id", personRole = "person_role" }
}

/// Which matcher found a span (a small value, so spans stay cheap to copy and sort).
public enum Detector: String, Sendable, Codable, CaseIterable {
    case nhsNumber = "nhs-number", nhsNumberLabel = "nhs-number-label", nino, postcode, ukPhone = "uk-phone", email
    case dateOfBirth = "date-of-birth", knownPerson = "known-person", knownAddress = "known-address"
    case knownIdentifier = "known-identifier", customTerm = "custom-term", allowList = "allow-list"
    case streetAddress = "street-address", addressBlock = "address-block", knownFirstName = "known-first-name"
    case titledName = "titled-name", relationName = "relation-name", salutationName = "salutation-name"
    case signatureName = "signature-name", listedName = "listed-name", repeatedName = "repeated-name"
    case emailName = "email-name"
}

public enum PersonRole: String, Sendable, Codable, CaseIterable {
    case client, relative, representative, witness, staff
    case thirdParty = "third_party"
}

/// Someone registered on the case whose name and details must be found in any reasonable spelling.
public struct KnownPerson: Sendable, Equatable, Codable {
    public var id: String
    public var role: PersonRole
    public var fullName: String
    public var title: String?
    /// Match the first name on its own (only when the case says it is distinctive enough).
    public var firstNameIsSafe: Bool
    public var addresses: [String]
    /// Other identifiers written exactly (NHS number, phone, email): found even where the generic
    /// detectors would not fire (a foreign phone format, an unlabelled bad-checksum NHS number).
    public var identifiers: [String]
    /// YYYY-MM-DD: lets a policy keep the client's own date of birth and redact everyone else's.
    public var dateOfBirth: String?

    public init(id: String, role: PersonRole, fullName: String, title: String? = nil, firstNameIsSafe: Bool = false,
                addresses: [String] = [], identifiers: [String] = [], dateOfBirth: String? = nil) {
        self.dateOfBirth = dateOfBirth
        self.id = id
        self.role = role
        self.fullName = fullName
        self.title = title
        self.firstNameIsSafe = firstNameIsSafe
        self.addresses = addresses
        self.identifiers = identifiers
    }
}

public struct RedactionContext: Sendable, Equatable, Codable {
    public var people: [KnownPerson]
    public var customTerms: [String]
    /// Never redacted (the trust's name, staff roles, switchboard numbers): a span inside one is dropped.
    public var allowList: [String]

    public init(people: [KnownPerson] = [], customTerms: [String] = [], allowList: [String] = []) {
        self.people = people
        self.customTerms = customTerms
        self.allowList = allowList
    }
}

/// Which kinds are redacted for a recipient. NHS staff acting in their role are kept unless asked. Codable: an export
/// sends it to the process that makes the PDF (`casevault-pdf`).
public struct RedactionPolicy: Sendable, Equatable, Codable {
    public var redactedKinds: Set<RedactionKind>
    /// The client consents to be named (their identifiers stay redacted unless their kinds are kept).
    public var keepClientName: Bool
    public var redactStaff: Bool
    /// The client's own date of birth and NHS number, kept where they are found (the NHS body needs them to find
    /// the records); anyone else's stay redacted. Parsed from `keep-client=…` (see `RedactionPolicy+Presets.swift`).
    public var keptClientDetails: Set<ClientDetail> = []

    public enum ClientDetail: String, Sendable, Codable, CaseIterable {
        case dateOfBirth = "date-of-birth"
        case nhsNumber = "nhs-number"
    }

    public init(redactedKinds: Set<RedactionKind> = Set(RedactionKind.allCases), keepClientName: Bool = false, redactStaff: Bool = false) {
        self.redactedKinds = redactedKinds
        self.keepClientName = keepClientName
        self.redactStaff = redactStaff
    }

    public static let standard = RedactionPolicy()
}

/// Runs every detector and the known-people matcher, applies the allow-list and the policy, and merges.
public struct Redactor: Sendable {
    public let context: RedactionContext
    public let policy: RedactionPolicy
    /// Names, addresses, identifiers, custom terms and the allow-list, matched in one pass.
    let phrases: PhraseMatcher
    /// Names not registered on the case, and registered first names alone.
    let names: NameFinder
    /// The client's own details the policy keeps (date of birth, NHS number).
    private let clientDetails: KeptClientDetails
    /// Allow-listed phone numbers, recognised in any format.
    private let allowedPhones: AllowedPhones
    /// Registered name words typed with look-alikes of l ("EIIis", "E11is"), read as the words they spell.
    let lookalikes: LookalikeNames

    public init(context: RedactionContext, policy: RedactionPolicy = .standard) {
        self.context = context
        self.policy = policy
        self.clientDetails = KeptClientDetails(context: context, policy: policy)
        var builder = PhraseMatcher.Builder()
        for person in context.people where person.role != .staff || policy.redactStaff {
            if person.role == .client && policy.keepClientName {
                // Still matched for addresses and identifiers below; the name itself is kept.
            } else {
                for spelling in NameSpellings.spellings(of: person) {
                    builder.add(spelling, label: .init(kind: .personName, detector: .knownPerson, personID: person.id, role: person.role))
                }
            }
            for address in person.addresses {
                builder.add(address, label: .init(kind: .address, detector: .knownAddress, personID: person.id, role: person.role))
            }
            for identifier in person.identifiers {
                builder.add(identifier, label: .init(kind: IdentifierKind.guess(identifier), detector: .knownIdentifier, personID: person.id, role: person.role))
            }
        }
        for term in context.customTerms {
            builder.add(term, label: .init(kind: .customTerm, detector: .customTerm, personID: nil, role: nil))
        }
        for term in context.allowList {
            builder.add(term, label: .init(kind: .customTerm, detector: .allowList, personID: nil, role: nil, allows: true))
        }
        phrases = builder.build()
        names = NameFinder(context: context, policy: policy)
        // Everyone's, kept staff and a kept client too: read as their own words, they stay readable as those do.
        lookalikes = LookalikeNames(names: context.people.map(\.fullName))
        allowedPhones = AllowedPhones(allowList: context.allowList)
    }

    /// Every span to redact under the policy: sorted, merged, non-overlapping.
    public func spans(in text: String) -> [RedactionSpan] {
        var text = text
        return text.withUTF8 { bytes in spans(in: bytes) }
    }

    public func spans(in bytes: UnsafeBufferPointer<UInt8>) -> [RedactionSpan] {
        spans(in: bytes, sharedPass: true)
    }

    /// `sharedPass: false` reads the text once per detector, as before the shared pass (kept for the test
    /// that both find the same).
    func spans(in bytes: UnsafeBufferPointer<UInt8>, sharedPass: Bool) -> [RedactionSpan] {
        var found: [RedactionSpan] = []
        // Dense text (the bench's complaint prose) finds about one span per 30 bytes before merging: growing the
        // list twice copied every span found so far.
        found.reserveCapacity(bytes.count / 24)
        // Most texts read as written: the detectors share one reading of the words.
        if sharedPass, let allowed = sharedWordPass(bytes, into: &found) {
            return filtered(consume found, in: bytes, allowed: allowed)
        }
        PatternDetectors.scan(bytes, into: &found)
        var allowList: [Range<Int>] = []
        phrases.matches(in: bytes, into: &found, allowed: &allowList, lookalikes: lookalikes)
        let allowed = Self.union(allowList)
        // Addresses and unregistered names are read by the shape of words: they look at the text as a
        // reader sees it (invisible characters gone, look-alike letters as Latin, letter-spacing closed).
        // The identifier shapes are read there again: "９４３ ４７６ ５９１９", "NR18\u{200B}0AB", "9 9 9  0 0 0  0 0 1 8".
        if let readable = ReadableText(bytes, needsReading: sharedPass ? true : nil) {
            var local: [RedactionSpan] = []
            readable.bytes.withUnsafeBufferPointer { view in
                PatternDetectors.scan(view, into: &local)
                AddressDetector.scan(view, into: &local)
                names.find(in: view, allowed: allowed.map(readable.readable), lookalikes: lookalikes, into: &local)
            }
            for var span in local {
                let range = readable.original(span.start..<span.end)
                (span.start, span.end) = (range.lowerBound, range.upperBound)
                found.append(span)
            }
            // Only a text with invisible characters can hold a right-to-left override.
            if let (visual, overrides) = BidiOverride.visual(bytes) {
                var reversed: [RedactionSpan] = []
                var ignored: [Range<Int>] = []
                visual.withUnsafeBufferPointer { view in
                    PatternDetectors.scan(view, into: &reversed)
                    phrases.matches(in: view, into: &reversed, allowed: &ignored, lookalikes: lookalikes)
                }
                found += BidiOverride.widened(reversed, to: overrides)
            }
        } else {
            AddressDetector.scan(bytes, into: &found)
            names.find(in: bytes, allowed: allowed, lookalikes: lookalikes, into: &found)
        }
        return filtered(consume found, in: bytes, allowed: allowed)
    }

    /// The policy, the client's kept details and the allow-list applied, then merged.
    private func filtered(_ found: consuming [RedactionSpan], in bytes: UnsafeBufferPointer<UInt8>, allowed: [Range<Int>]) -> [RedactionSpan] {
        var found = found
        if policy.redactedKinds.count < RedactionKind.allCases.count { found.removeAll { !policy.redactedKinds.contains($0.kind) } }
        if !clientDetails.isEmpty { found.removeAll { clientDetails.isKept($0, in: bytes) } }
        // Both in the merge's own pass over the spans (a pass over every span costs as much as the checks in it).
        guard !allowedPhones.isEmpty else { return Self.merge(consume found, allowed: allowed) }
        return Self.merge(consume found, allowed: allowed, dropping: Drop(detector: .ukPhone) { allowedPhones.isAllowed($0, in: bytes) })
    }

    /// The text with each span replaced by `marker(span)`.
    public func redact(_ text: String, marker: (RedactionSpan) -> String) -> String {
        Self.replacing(spans(in: text), in: text, with: marker).text
    }

    /// The text with each of `spans` (sorted, non-overlapping, as `spans(in:)` returns them) replaced by
    /// `marker(span)`, and where the markers now are (UTF-8 byte ranges of the result).
    public static func replacing(_ spans: [RedactionSpan], in text: String, with marker: (RedactionSpan) -> String)
        -> (text: String, markers: [Range<Int>]) {
        guard !spans.isEmpty else { return (text, []) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var markers: [Range<Int>] = []
        var position = 0
        for span in spans {
            out += bytes[position..<span.start]
            let replacement = Array(marker(span).utf8)
            markers.append(out.count..<(out.count + replacement.count))
            out += replacement
            position = span.end
        }
        out += bytes[position...]
        return (String(decoding: out, as: UTF8.self), markers)
    }

    public static func counts(_ spans: [RedactionSpan]) -> [RedactionKind: Int] {
        spans.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 }
    }
}

/// A registered identifier's kind, from its shape (used for known people's exact identifiers).
enum IdentifierKind {
    static func guess(_ identifier: String) -> RedactionKind {
        if identifier.contains("@") { return .email }
        let digits = identifier.filter(\.isNumber)
        if digits.count == 10 && NHSNumber.isValid(Array(digits.utf8)) { return .nhsNumber }
        if digits.count >= 9 { return .phone }
        return .customTerm
    }
}
