import Foundation

// Rows as stored. Ids, timestamps, sizes, kinds and key versions are clear so listings are fast; every
// personal field is a sealed BLOB (nonce ‖ AES-256-GCM ciphertext ‖ tag, AAD = table ‖ column ‖ row id).

public struct OrganisationRecord: Codable, Sendable, Equatable {
    public static let tableName = "organisations"
    public var id: String
    /// As stored: the organisation's id once its name is sealed (the column is NOT NULL and unique), its clear name in
    /// rows of earlier releases until the vault is first opened with its key. The core hands out records whose `name`
    /// is the opened name.
    public var name: String
    public var createdAt: String
    /// The first part of the organisation's case references (e.g. NCA in NCA-2026-0001); nil: made from its name.
    public var casePrefix: String?
    /// The name, sealed under the vault metadata key.
    public var nameSealed: Data?
    /// Blind index of the lower-cased name (unique): exact lookups and the one-name-per-organisation rule without keys.
    public var nameIndex: Data?
    /// The X25519 public key of the organisation's recovery key (its private half exists only as trustees' shares):
    /// every case key of the organisation is also wrapped to it. Nil in vaults without identities.
    public var recoveryPublic: Data?

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdAt = "created_at"
        case casePrefix = "case_prefix"
        case nameSealed = "name_sealed"
        case nameIndex = "name_index"
        case recoveryPublic = "recovery_public"
    }

    public init(id: String, name: String, createdAt: String, casePrefix: String? = nil, nameSealed: Data? = nil, nameIndex: Data? = nil,
                recoveryPublic: Data? = nil) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.casePrefix = casePrefix
        self.nameSealed = nameSealed
        self.nameIndex = nameIndex
        self.recoveryPublic = recoveryPublic
    }
}

public struct AdvocateRecord: Codable, Sendable, Equatable {
    public static let tableName = "advocates"
    public var id: String
    /// Nil only for an administrator, who manages accounts for the whole vault.
    public var organisationID: String?
    public var nameSealed: Data
    public var createdAt: String
    /// An `AccountRole` raw value; a clear column because every command reads it before any key is used.
    public var role: String
    /// The public halves of the account's identity (X25519: keys are wrapped to it; Ed25519: checks what it signs).
    /// Nil for accounts of vaults without identities.
    public var agreementPublic: Data?
    public var signingPublic: Data?
    /// When the account was removed (it then holds no key and acts no more); nil while it is active.
    public var removedAt: String?
    /// Since when the account awaits confirmation by a member of its organisation (SECURITY.md, "Identities"): an
    /// administrator added it to an organisation that already had key holders, so it holds none of the organisation's
    /// keys until one of them confirms it. Nil once confirmed, and for every account made before confirmation existed
    /// (nil is left out of the record's hash, so their ledger hashes are unchanged).
    public var awaitingConfirmationSince: String?
    /// When the account's holder last replaced the key pair the administrator wrote for it (`renewOwnIdentity`): a
    /// manager confirms an account only after that, so a copy of the file the administrator kept opens nothing.
    /// Nil until then (and for every older account: nil is left out of the record's hash).
    public var identityRenewedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, role
        case awaitingConfirmationSince = "awaiting_confirmation_since"
        case identityRenewedAt = "identity_renewed_at"
        case organisationID = "organisation_id"
        case nameSealed = "name_sealed"
        case createdAt = "created_at"
        case agreementPublic = "agreement_public"
        case signingPublic = "signing_public"
        case removedAt = "removed_at"
    }

    public init(id: String, organisationID: String? = nil, nameSealed: Data, createdAt: String, role: String,
                agreementPublic: Data? = nil, signingPublic: Data? = nil) {
        self.id = id
        self.organisationID = organisationID
        self.nameSealed = nameSealed
        self.createdAt = createdAt
        self.role = role
        self.agreementPublic = agreementPublic
        self.signingPublic = signingPublic
    }
}

public struct PersonRecord: Codable, Sendable, Equatable {
    public static let tableName = "people"
    public var id: String
    public var createdAt: String
    public var nameSealed: Data
    public var dobSealed: Data?
    public var nhsNumberSealed: Data?
    public var addressSealed: Data?
    public var phoneSealed: Data?
    public var emailSealed: Data?
    /// Blind indexes: truncated HMAC-SHA-256 of the normalised value, for exact lookups without decrypting.
    public var nameIndex: Data
    public var nhsNumberIndex: Data?
    /// The account that registered the person (who may see them before they are on a case).
    public var addedBy: String?
    /// Set when the person was erased with the only case they were on: the row then keeps ids only (every sealed
    /// field and blind index emptied), so the cases and audit events that name the id still resolve.
    public var erasedAt: String?

    enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
        case nameSealed = "name_sealed"
        case dobSealed = "dob_sealed"
        case nhsNumberSealed = "nhs_number_sealed"
        case addressSealed = "address_sealed"
        case phoneSealed = "phone_sealed"
        case emailSealed = "email_sealed"
        case nameIndex = "name_index"
        case nhsNumberIndex = "nhs_number_index"
        case addedBy = "added_by"
        case erasedAt = "erased_at"
    }

    public init(id: String, createdAt: String, nameSealed: Data, dobSealed: Data? = nil, nhsNumberSealed: Data? = nil, addressSealed: Data? = nil, phoneSealed: Data? = nil, emailSealed: Data? = nil, nameIndex: Data, nhsNumberIndex: Data? = nil, addedBy: String? = nil,
                erasedAt: String? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.nameSealed = nameSealed
        self.dobSealed = dobSealed
        self.nhsNumberSealed = nhsNumberSealed
        self.addressSealed = addressSealed
        self.phoneSealed = phoneSealed
        self.emailSealed = emailSealed
        self.nameIndex = nameIndex
        self.nhsNumberIndex = nhsNumberIndex
        self.addedBy = addedBy
        self.erasedAt = erasedAt
    }
}

public struct CaseRecord: Codable, Sendable, Equatable {
    public static let tableName = "cases"
    public var id: String
    public var clientID: String
    public var organisationID: String
    /// The NHS body and the dates are clear only in rows of earlier releases, until the vault is first opened with
    /// its key: they are sealed together in `detailsSealed` (issue 18) and these columns stay NULL.
    public var nhsBody: String?
    public var status: String
    public var incidentDate: String?
    public var awareDate: String?
    public var complaintDate: String?
    public var openedAt: String
    public var openedBy: String?
    public var closedAt: String?
    /// The human reference (PREFIX-YYYY-NNNN), unique in the vault; nil for cases opened before references existed
    /// until their organisation's prefix is set.
    public var reference: String?
    /// The NHS body's own complaint reference, sealed (it can identify the complaint to anyone who has the file).
    public var theirReferenceSealed: Data?
    /// The NHS body and the incident, awareness and complaint dates, sealed as one value under the metadata key.
    public var detailsSealed: Data?

    enum CodingKeys: String, CodingKey {
        case id, status, reference
        case theirReferenceSealed = "their_reference_sealed"
        case detailsSealed = "details_sealed"
        case clientID = "client_id"
        case organisationID = "organisation_id"
        case nhsBody = "nhs_body"
        case incidentDate = "incident_date"
        case awareDate = "aware_date"
        case complaintDate = "complaint_date"
        case openedAt = "opened_at"
        case openedBy = "opened_by"
        case closedAt = "closed_at"
    }

    public init(id: String, clientID: String, organisationID: String, nhsBody: String? = nil, status: String, incidentDate: String? = nil, awareDate: String? = nil, complaintDate: String? = nil, openedAt: String, openedBy: String? = nil, closedAt: String? = nil,
                reference: String? = nil, theirReferenceSealed: Data? = nil, detailsSealed: Data? = nil) {
        self.reference = reference
        self.theirReferenceSealed = theirReferenceSealed
        self.detailsSealed = detailsSealed
        self.id = id
        self.clientID = clientID
        self.organisationID = organisationID
        self.nhsBody = nhsBody
        self.status = status
        self.incidentDate = incidentDate
        self.awareDate = awareDate
        self.complaintDate = complaintDate
        self.openedAt = openedAt
        self.openedBy = openedBy
        self.closedAt = closedAt
    }
}

public struct CaseAdvocateRecord: Codable, Sendable, Equatable {
    public static let tableName = "case_advocates"
    public var caseID: String
    public var advocateID: String

    enum CodingKeys: String, CodingKey {
        case caseID = "case_id"
        case advocateID = "advocate_id"
    }

    public init(caseID: String, advocateID: String) {
        self.caseID = caseID
        self.advocateID = advocateID
    }
}

public struct DocumentRecord: Codable, Sendable, Equatable {
    public init(id: String, caseID: String, kind: String, mediaType: String, size: Int64, documentDate: String?, documentDateSource: String,
                ingestedAt: String, ingestedBy: String?, caseKeyVersion: Int, wrappedKey: Data, originalNameSealed: Data,
                ciphertextSize: Int64, ciphertextSHA256: Data, contentMAC: Data, dateSourceSealed: Data? = nil, kindSealed: Data? = nil) {
        self.dateSourceSealed = dateSourceSealed
        self.kindSealed = kindSealed
        self.id = id
        self.caseID = caseID
        self.kind = kind
        self.mediaType = mediaType
        self.size = size
        self.documentDate = documentDate
        self.documentDateSource = documentDateSource
        self.ingestedAt = ingestedAt
        self.ingestedBy = ingestedBy
        self.caseKeyVersion = caseKeyVersion
        self.wrappedKey = wrappedKey
        self.originalNameSealed = originalNameSealed
        self.ciphertextSize = ciphertextSize
        self.ciphertextSHA256 = ciphertextSHA256
        self.contentMAC = contentMAC
    }

    public static let tableName = "documents"
    public var id: String
    public var caseID: String
    public var kind: String
    public var mediaType: String
    public var size: Int64
    public var documentDate: String?
    /// How the document's date was found, in clear only in rows of earlier releases until the vault is first opened
    /// with its key; then "" (the column is NOT NULL) and the value is in `dateSourceSealed`.
    public var documentDateSource: String
    /// The date source sealed under the case key (it can tell, say, that a letter was dated from its letterhead).
    public var dateSourceSealed: Data?
    /// The precise kind sealed under the case key, for kinds whose clear value is a neutral group (a form behind a
    /// record: `kind` says `form`); nil for the others.
    public var kindSealed: Data?
    public var ingestedAt: String
    public var ingestedBy: String?
    public var caseKeyVersion: Int
    public var wrappedKey: Data
    public var originalNameSealed: Data
    public var ciphertextSize: Int64
    public var ciphertextSHA256: Data
    /// Keyed HMAC of the plaintext, per case: finds duplicates without revealing content.
    public var contentMAC: Data

    enum CodingKeys: String, CodingKey {
        case id, kind, size
        case caseID = "case_id"
        case mediaType = "media_type"
        case documentDate = "document_date"
        case documentDateSource = "document_date_source"
        case ingestedAt = "ingested_at"
        case ingestedBy = "ingested_by"
        case caseKeyVersion = "case_key_version"
        case wrappedKey = "wrapped_key"
        case originalNameSealed = "original_name_sealed"
        case ciphertextSize = "ciphertext_size"
        case ciphertextSHA256 = "ciphertext_sha256"
        case contentMAC = "content_mac"
        case dateSourceSealed = "date_source_sealed"
        case kindSealed = "kind_sealed"
    }
}

public struct TombstoneRecord: Codable, Sendable, Equatable {
    public static let tableName = "tombstones"
    public var caseID: String
    public var erasedAt: String
    public var erasedBy: String?
    public var reasonSealed: Data?
    public var documentCount: Int

    enum CodingKeys: String, CodingKey {
        case caseID = "case_id"
        case erasedAt = "erased_at"
        case erasedBy = "erased_by"
        case reasonSealed = "reason_sealed"
        case documentCount = "document_count"
    }

    public init(caseID: String, erasedAt: String, erasedBy: String? = nil, reasonSealed: Data? = nil, documentCount: Int) {
        self.caseID = caseID
        self.erasedAt = erasedAt
        self.erasedBy = erasedBy
        self.reasonSealed = reasonSealed
        self.documentCount = documentCount
    }
}

/// A sealed consent-engine record; `recordType` says which payload `sealed` holds (see Vault+Consent).
public struct ConsentRecord: Codable, Sendable, Equatable {
    public static let tableName = "consent_records"
    public var id: String
    public var recordType: String
    public var caseID: String?
    public var personID: String?
    public var createdAt: String
    public var updatedAt: String
    public var sealed: Data

    enum CodingKeys: String, CodingKey {
        case id, sealed
        case recordType = "record_type"
        case caseID = "case_id"
        case personID = "person_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(id: String, recordType: String, caseID: String? = nil, personID: String? = nil, createdAt: String, updatedAt: String, sealed: Data) {
        self.id = id
        self.recordType = recordType
        self.caseID = caseID
        self.personID = personID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sealed = sealed
    }
}

/// The state ledger's index entry for one stored record: its current version and the hash of its stored value (nil
/// once deleted, so a record added again continues its numbering). The audit log is the authority; this index only
/// lets a writer number the next version and a checkpoint digest the state without reading every row.
public struct RecordStateRecord: Codable, Sendable, Equatable {
    public static let tableName = "record_state"
    public var kind: String
    public var recordID: String
    public var version: Int64
    public var hash: Data?
    /// Which of the 256 digest buckets the record falls in (the first byte of a hash of kind and id).
    public var bucket: Int
    /// The case the record belongs to (else the person, for sealed records about a person alone): lets a command
    /// check a case's records against the signed state without reading the whole index.
    public var scope: String?

    enum CodingKeys: String, CodingKey {
        case kind, version, hash, bucket, scope
        case recordID = "record_id"
    }

    public init(kind: String, recordID: String, version: Int64, hash: Data?, bucket: Int, scope: String? = nil) {
        self.kind = kind
        self.recordID = recordID
        self.version = version
        self.hash = hash
        self.bucket = bucket
        self.scope = scope
    }
}
