import VaultStorage

/// The vault's tables in PostgreSQL: the same records and columns as the SQLite store (VaultStorage/Records.swift),
/// created in one step, since a PostgreSQL vault starts at the current shape. Later changes are added as new
/// migrations at the end of `migrations`, never by editing one that has run.
enum PostgresSchema {
    /// Applied in order, each once, recorded by name in `casevault_schema`.
    static let migrations: [(name: String, sql: [String])] = [("p1-initial", initial), ("p2-confirm-accounts", confirmAccounts),
                                                                      ("p3-confirm-renewed-identities", renewedIdentities)]

    /// SQLite's v16-confirm-accounts: accounts already here stay confirmed (NULL).
    static let confirmAccounts = ["ALTER TABLE advocates ADD COLUMN awaiting_confirmation_since text"]
    /// SQLite's v16-confirm-renewed-identities.
    static let renewedIdentities = ["ALTER TABLE advocates ADD COLUMN identity_renewed_at text"]

    /// The primary key of each table a record is saved to (for updates and upserts).
    static let primaryKeys: [String: [String]] = [
        OrganisationRecord.tableName: ["id"], AdvocateRecord.tableName: ["id"], PersonRecord.tableName: ["id"],
        CaseRecord.tableName: ["id"], CaseAdvocateRecord.tableName: ["case_id", "advocate_id"],
        DataKeyRecord.tableName: ["scope", "version"], KeyWrapperRecord.tableName: ["scope", "version", "wrapper_kind", "wrapper_id"],
        DocumentRecord.tableName: ["id"], TombstoneRecord.tableName: ["case_id"], ConsentRecord.tableName: ["id"],
        RecordStateRecord.tableName: ["kind", "record_id"],
    ]

    static let initial: [String] = [
        "CREATE TABLE vault_meta (key text PRIMARY KEY, value text NOT NULL)",
        """
        CREATE TABLE organisations (id text PRIMARY KEY, name text NOT NULL UNIQUE, created_at text NOT NULL, case_prefix text,
            name_sealed bytea, name_index bytea UNIQUE, recovery_public bytea)
        """,
        """
        CREATE TABLE advocates (id text PRIMARY KEY, organisation_id text REFERENCES organisations, name_sealed bytea NOT NULL,
            created_at text NOT NULL, role text NOT NULL DEFAULT 'advocate', agreement_public bytea, signing_public bytea, removed_at text)
        """,
        """
        CREATE TABLE people (id text PRIMARY KEY, created_at text NOT NULL, name_sealed bytea NOT NULL, dob_sealed bytea,
            nhs_number_sealed bytea, address_sealed bytea, phone_sealed bytea, email_sealed bytea, name_index bytea NOT NULL,
            nhs_number_index bytea, added_by text, erased_at text)
        """,
        "CREATE INDEX people_name_index ON people (name_index)",
        "CREATE INDEX people_nhs_number_index ON people (nhs_number_index)",
        """
        CREATE TABLE cases (id text PRIMARY KEY, client_id text NOT NULL REFERENCES people, organisation_id text NOT NULL REFERENCES organisations,
            nhs_body text, status text NOT NULL, incident_date text, aware_date text, complaint_date text, opened_at text NOT NULL,
            opened_by text, closed_at text, reference text UNIQUE, their_reference_sealed bytea, details_sealed bytea)
        """,
        """
        CREATE TABLE case_advocates (case_id text NOT NULL REFERENCES cases ON DELETE CASCADE, advocate_id text NOT NULL REFERENCES advocates,
            PRIMARY KEY (case_id, advocate_id))
        """,
        "CREATE TABLE data_keys (scope text NOT NULL, version bigint NOT NULL, created_at text NOT NULL, PRIMARY KEY (scope, version))",
        """
        CREATE TABLE key_wrappers (scope text NOT NULL, version bigint NOT NULL, wrapper_kind text NOT NULL, wrapper_id text NOT NULL,
            sealed bytea NOT NULL, created_at text NOT NULL, PRIMARY KEY (scope, version, wrapper_kind, wrapper_id),
            FOREIGN KEY (scope, version) REFERENCES data_keys ON DELETE CASCADE)
        """,
        """
        CREATE TABLE documents (id text PRIMARY KEY, case_id text NOT NULL REFERENCES cases, kind text NOT NULL, media_type text NOT NULL,
            size bigint NOT NULL, document_date text, document_date_source text NOT NULL, ingested_at text NOT NULL, ingested_by text,
            case_key_version bigint NOT NULL, wrapped_key bytea NOT NULL, original_name_sealed bytea NOT NULL, ciphertext_size bigint NOT NULL,
            ciphertext_sha256 bytea NOT NULL, content_mac bytea NOT NULL, date_source_sealed bytea, kind_sealed bytea)
        """,
        "CREATE INDEX documents_case ON documents (case_id)",
        "CREATE INDEX documents_case_mac ON documents (case_id, content_mac)",
        """
        CREATE TABLE tombstones (case_id text PRIMARY KEY, erased_at text NOT NULL, erased_by text, reason_sealed bytea,
            document_count bigint NOT NULL)
        """,
        """
        CREATE TABLE audit_events (seq bigint PRIMARY KEY, time text NOT NULL, actor text, action text NOT NULL, case_id text,
            document_id text, decision text, rule_ids text NOT NULL, outcome text NOT NULL, details text NOT NULL, prev_mac bytea NOT NULL,
            entry_mac bytea NOT NULL, signature bytea)
        """,
        "CREATE INDEX audit_events_case ON audit_events (case_id)",
        // The checkpoint's sequence is kept beside its JSON so the open-time check finds it without parsing every row.
        "CREATE TABLE audit_checkpoints (id bigserial PRIMARY KEY, sequence bigint NOT NULL, checkpoint text NOT NULL)",
        "CREATE INDEX audit_checkpoints_sequence ON audit_checkpoints (sequence)",
        """
        CREATE TABLE consent_records (id text PRIMARY KEY, record_type text NOT NULL, case_id text, person_id text, created_at text NOT NULL,
            updated_at text NOT NULL, sealed bytea NOT NULL)
        """,
        "CREATE INDEX consent_records_case ON consent_records (case_id)",
        "CREATE INDEX consent_records_person ON consent_records (person_id)",
        """
        CREATE TABLE record_state (kind text NOT NULL, record_id text NOT NULL, version bigint NOT NULL, hash bytea, bucket bigint NOT NULL,
            scope text, PRIMARY KEY (kind, record_id))
        """,
        "CREATE INDEX record_state_bucket ON record_state (bucket)",
        "CREATE INDEX record_state_scope ON record_state (scope)",
        "CREATE TABLE state_buckets (bucket bigint PRIMARY KEY, digest bytea NOT NULL)",
    ]
}
