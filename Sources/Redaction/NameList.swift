/// The open name list (given names and surnames, data/name-list/) and the small word lists the name and
/// address finders use for context, all keyed by the folded word hash of `Words` (lower case, accents
/// removed), so a lookup costs one hash of the word as it is read.
struct NameList: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        static let given = Flags(rawValue: 1 << 0)
        static let surname = Flags(rawValue: 1 << 1)
        /// Also an everyday English word ("Will", "May", "Brown"): a name only with context.
        static let common = Flags(rawValue: 1 << 2)
        /// Mr, Mrs, Dr…: what follows is a name.
        static let title = Flags(rawValue: 1 << 3)
        /// Never part of a person's name here: roles, organisations, places, months, days, salutation words.
        static let stop = Flags(rawValue: 1 << 4)
        /// Words that make the capitalised words before them a place or body ("James Paget University Hospital").
        static let organisation = Flags(rawValue: 1 << 5)
        /// son, daughter, neighbour, friend…: a relation word right before a name.
        static let relation = Flags(rawValue: 1 << 6)
        /// my, her, a, the…: the word before a relation word.
        static let determiner = Flags(rawValue: 1 << 7)
        /// dear, hello, hi: a salutation.
        static let salutation = Flags(rawValue: 1 << 8)
        /// sincerely, faithfully, regards, wishes, thanks: the line after is a signature.
        static let signOff = Flags(rawValue: 1 << 9)
        /// January…December and the days of the week.
        static let calendar = Flags(rawValue: 1 << 10)
        /// A place (or a word like "Christian") that is also a given name: a name only with context.
        static let place = Flags(rawValue: 1 << 11)
        /// A job on a ward ("Porter", "HCA", "Practitioner"): a listed name right after it is a person.
        static let role = Flags(rawValue: 1 << 12)
        /// called, named: a name follows when a word for a person stands before ("a nurse called Priya").
        static let naming = Flags(rawValue: 1 << 13)
        /// nurse, man, woman, friend…: a person, before "called" / "named".
        static let personNoun = Flags(rawValue: 1 << 14)
    }

    let table: WordTable<UInt16>

    static let shared = NameList()

    static let titles = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "revd", "lady", "lord"]
    static let relations = ["son", "daughter", "neighbour", "neighbor", "friend", "husband", "wife", "partner", "mother", "father",
                            "brother", "sister", "carer", "mum", "mom", "dad", "grandson", "granddaughter", "grandmother", "grandfather",
                            "nan", "nana", "grandma", "grandad", "granddad", "niece", "nephew", "aunt", "auntie", "uncle", "cousin",
                            "stepson", "stepdaughter", "stepmother", "stepfather", "fiance", "fiancee", "boyfriend", "girlfriend",
                            "children", "child", "sons", "daughters", "friends", "neighbours", "colleague", "lodger", "flatmate",
                            "law", "receptionist", "brothers", "sisters", "twin", "godson", "goddaughter", "relative", "visitor"]
    static let determiners = ["my", "her", "his", "their", "our", "your", "a", "the", "mum's", "dad's", "late", "eldest", "youngest",
                              "older", "younger", "elder", "best", "little", "new", "next", "door", "old", "dear", "own", "whose"]
    static let salutations = ["dear", "hello", "hi", "dearest"]
    static let signOffs = ["sincerely", "faithfully", "truly", "regards", "wishes", "thanks", "cheers", "love", "respectfully"]
    static let calendar = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                           "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter"]
    /// Bodies and places: capitalised words before one of these name a hospital, practice or street, not a person.
    static let organisations = ["hospital", "hospitals", "trust", "nhs", "foundation", "university", "practice", "surgery", "centre",
                                "center", "clinic", "service", "services", "team", "unit", "ward", "wing", "department", "council",
                                "ombudsman", "authority", "board", "group", "commissioning", "health", "healthcare", "care", "medical",
                                "court", "tribunal", "school", "college", "church", "chapel", "house", "home", "hall", "hospice",
                                "pharmacy", "partnership", "committee", "office", "institute", "association", "society", "charity",
                                "limited", "ltd", "plc", "llp", "building", "suite", "theatre", "lounge", "library", "station",
                                "airport", "park", "gardens", "road", "street", "lane", "close", "avenue", "drive", "way", "crescent",
                                "place", "terrace", "square", "row", "walk", "grove", "hill", "green", "mews", "rise", "view", "yard",
                                "parade", "estate", "village", "town", "city", "county", "district", "borough", "region", "county",
                                "system", "network", "programme", "project", "fund", "award", "act", "policy", "scheme", "bay",
                                "block", "floor", "level", "room", "area", "bridge", "cross", "gate", "market", "square", "rd", "st",
                                "ave", "syndrome", "disease", "test", "score", "scale", "procedure"]
    /// Roles, headings and everyday capitalised words that are never a person's name in these documents.
    static let stopWords = ["sir", "madam", "all", "colleague", "colleagues", "team", "nurse", "sister", "matron", "doctor",
                            "consultant", "manager", "officer", "executive", "chief", "director", "head", "lead", "advocate",
                            "advocacy", "complaints", "complaint", "patient", "patients", "staff", "senior", "junior", "registrar",
                            "surgeon", "physician", "receptionist", "secretary", "coordinator", "administrator", "assistant",
                            "chair", "chairman", "chairwoman", "governor", "member", "members", "parent", "parents", "carer",
                            "family", "friends", "customer", "resident", "residents", "client", "clients", "queen", "king",
                            "prince", "princess", "saint", "north", "south", "east", "west", "northern", "southern", "eastern",
                            "western", "new", "great", "little", "upper", "lower", "old", "royal", "general", "national",
                            "british", "english", "scottish", "welsh", "irish", "england", "scotland", "wales", "ireland",
                            "re", "ref", "reference", "subject", "from", "to", "cc",
                            "date", "signed", "signature", "tel", "telephone", "phone", "mobile", "email", "address", "name",
                            "page", "yours", "kind", "regards", "thank", "thanks", "please", "dear", "hello", "hi", "note",
                            "notes", "action", "actions", "present", "apologies", "summary", "chronology", "statement",
                            "witness", "witnesses", "agenda", "minutes", "meeting", "outcome", "response", "letter", "private",
                            "confidential", "urgent", "copy", "attached", "enclosed", "section", "appendix", "part", "item",
                            "mental", "capacity", "safeguarding", "discharge", "admission", "emergency", "accident", "urgent",
                            "intensive", "acute", "stroke", "cancer", "cardiac", "maternity", "paediatric", "orthopaedic",
                            "outpatient", "outpatients", "inpatient", "primary", "secondary", "community", "social",
                            "general", "practitioner", "gp", "ae", "icu", "pals", "phso", "cqc", "nhs", "nice", "dob",
                            "no", "yes", "ok", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "am", "pm", "bank", "holiday",
                            "god", "lord", "jesus", "covid", "coronavirus", "brexit", "facebook", "google", "whatsapp",
                            "amazon", "apple", "microsoft", "tesco", "boots", "asda", "morrisons", "sainsbury", "waitrose",
                            "lloyds", "barclays", "halifax", "santander", "nationwide", "monzo", "virgin", "royal", "mail",
                            "herald", "times", "guardian", "telegraph", "express", "mirror", "sun", "independent"]

    /// Places and words that are names only sometimes ("Florence", "Jordan", "Christian"): never a name without context.
    static let places = ["norfolk", "suffolk", "london", "norwich", "cambridge", "essex", "kent", "devon", "cornwall", "lincoln",
                         "chester", "york", "lancaster", "jersey", "guernsey", "india", "china", "jordan", "israel", "georgia",
                         "paris", "sydney", "florence", "victoria", "adelaide", "austin", "chelsea", "brooklyn", "dallas",
                         "houston", "phoenix", "orlando", "nevada", "carolina", "virginia", "america", "europe", "africa", "asia",
                         "christian", "muslim", "jewish", "catholic", "anglican", "wymondham", "cromer", "thetford", "dereham",
                         "diss", "ely", "ipswich", "lowestoft", "yarmouth", "kings", "lynn", "sheringham", "holt", "aylsham",
                         "hethersett", "colney", "costessey", "eaton", "drayton", "taverham", "sprowston", "thorpe", "bowthorpe",
                         "london", "manchester", "birmingham", "leeds", "bristol", "liverpool", "oxford", "durham", "bath",
                         "windsor", "warwick", "stafford", "preston", "derby", "luton", "reading", "wells", "salisbury",
                         "winchester", "canterbury", "peterborough", "bedford", "harlow", "crawley", "brighton", "hastings",
                         "dover", "exeter", "truro", "carlisle", "kendal", "whitby", "scarborough", "ripon", "selby", "goole",
                         "chelmsford", "colchester", "braintree", "sudbury", "bury", "newmarket", "march", "wisbech", "downham"]
    static let nurseTitles = ["nurse", "sister", "matron", "midwife"]
    /// Jobs written before a name ("Nurse Practitioner Lund", "HCA Baxter", "the porter Dunn"). Those that are
    /// also surnames (Porter, Carer…) are not stop words, so "Mr Porter" is still a name.
    static let roles = ["practitioner", "assistant", "hca", "porter", "paramedic", "physio", "physiotherapist", "therapist",
                        "pharmacist", "radiographer", "sonographer", "phlebotomist", "dietitian", "anaesthetist", "registrar",
                        "consultant", "receptionist", "manager", "surgeon", "doctor", "carer", "cleaner", "chaplain", "student",
                        "volunteer", "housekeeper", "coordinator", "secretary", "officer", "worker", "nurse", "sister", "matron",
                        "midwife", "gp"]
    static let personNouns = ["nurse", "doctor", "man", "woman", "lady", "gentleman", "girl", "boy", "lad", "chap", "carer", "porter",
                              "someone", "person", "friend", "neighbour", "receptionist", "midwife", "paramedic", "physio",
                              "physiotherapist", "student", "assistant", "worker", "cleaner", "volunteer"]
    static let roleStopWords = ["hca", "paramedic", "physio", "physiotherapist", "therapist", "pharmacist", "radiographer",
                                "sonographer", "phlebotomist", "dietitian", "anaesthetist"]

    init() {
        var flags: [UInt64: Flags] = [:]
        flags.reserveCapacity(NameListData.count + 600)
        // The open lists, then the hand-compiled supplement (NameListSupplement.swift).
        for var packed in [NameListData.packed, NameListSupplement.packed] {
            packed.withUTF8 { bytes in
                var lineStart = 0
                for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                    defer { lineStart = index + 1 }
                    guard let space = (lineStart..<index).last(where: { bytes[$0] == UInt8(ascii: " ") }), space > lineStart else { continue }
                    var entry: Flags = []
                    for position in (space + 1)..<index {
                        switch bytes[position] {
                        case UInt8(ascii: "g"): entry.insert(.given)
                        case UInt8(ascii: "s"): entry.insert(.surname)
                        case UInt8(ascii: "c"): entry.insert(.common)
                        default: break
                        }
                    }
                    let hash = Self.hash(UnsafeBufferPointer(rebasing: bytes[lineStart..<space]))
                    flags[hash, default: []].formUnion(entry)
                }
            }
        }
        func mark(_ words: [String], _ flag: Flags) {
            for word in words { flags[Self.hash(word), default: []].insert(flag) }
        }
        mark(Self.titles, .title)
        mark(Self.nurseTitles, .title)
        mark(Self.places, .place)
        mark(Self.relations, .relation)
        mark(Self.determiners, .determiner)
        mark(Self.salutations, .salutation)
        mark(Self.signOffs, .signOff)
        mark(Self.calendar, .calendar)
        mark(Self.calendar, .stop)
        mark(Self.organisations, .organisation)
        mark(Self.organisations, .stop)
        mark(Self.stopWords, .stop)
        mark(Self.roles, .role)
        mark(["called", "named"], .naming)
        mark(Self.personNouns, .personNoun)
        mark(Self.roleStopWords, .stop)
        mark(AddressWords.streets, .stop)
        table = WordTable(flags.mapValues(\.rawValue))
    }

    @inline(__always) func flags(_ hash: UInt64) -> Flags { Flags(rawValue: table[hash]) }

    /// The folded hash `Words` gives this word (letters only; apostrophes and hyphens are skipped, so
    /// "O'Connell" and "Oconnell" are one name).
    static func hash(_ word: String) -> UInt64 {
        var word = word
        return word.withUTF8 { hash($0) }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = Words.offsetBasis
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if Bytes.isLetter(byte) || Bytes.isDigit(byte) { hash = (hash ^ UInt64(Bytes.lower(byte))) &* Words.prime }
                index += 1
                continue
            }
            let (scalar, length) = Words.decode(bytes, at: index)
            if let scalar, scalar.properties.isAlphabetic {
                for folded in Folding.fold(scalar) { hash = (hash ^ UInt64(folded)) &* Words.prime }
            }
            index += length
        }
        return hash
    }
}

/// An open-addressing table from word hashes to flags: a lookup is a multiply, a mask and (nearly always)
/// one or two probes, which matters because every capitalised word of every text is looked up.
struct WordTable<Value: FixedWidthInteger & Sendable>: Sendable {
    private let keys: [UInt64]
    private let values: [Value]
    private let mask: Int

    init(_ entries: [UInt64: Value]) {
        var capacity = 16
        while capacity < entries.count * 3 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Value](repeating: 0, count: capacity)
        mask = capacity - 1
        for (key, value) in entries where key != 0 {
            var slot = Self.slot(key, mask)
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = value
        }
        self.keys = keys
        self.values = values
    }

    @inline(__always) static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    @inline(__always) subscript(_ key: UInt64) -> Value {
        var slot = Self.slot(key, mask)
        while true {
            let stored = keys[slot]
            if stored == key { return values[slot] }
            if stored == 0 { return 0 }
            slot = (slot + 1) & mask
        }
    }
}

/// A set of word hashes in a `WordTable`: a lookup without `Hasher` (which `Set<UInt64>` runs on every
/// lookup, a cost seen on every capitalised word of a text). A hash of 0 is never a member.
struct WordSet: Sendable {
    private let table: WordTable<UInt16>

    init(_ hashes: some Sequence<UInt64>) {
        table = WordTable(Dictionary(hashes.map { ($0, UInt16(1)) }, uniquingKeysWith: { first, _ in first }))
    }

    @inline(__always) func contains(_ hash: UInt64) -> Bool { table[hash] != 0 }
}
