import GRDB
import VaultStorage


/// The schema, only ever changed by adding migrations ("a good migration is never modified once shipped").
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "vault_meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "organisations") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique()
                t.column("created_at", .text).notNull()
            }
            try db.create(table: "advocates") { t in
                t.primaryKey("id", .text)
                t.column("organisation_id", .text).notNull().references("organisations")
                t.column("name_sealed", .blob).notNull()
                t.column("created_at", .text).notNull()
            }
            try db.create(table: "people") { t in
                t.primaryKey("id", .text)
                t.column("created_at", .text).notNull()
                t.column("name_sealed", .blob).notNull()
                t.column("dob_sealed", .blob)
                t.column("nhs_number_sealed", .blob)
                t.column("address_sealed", .blob)
                t.column("phone_sealed", .blob)
                t.column("email_sealed", .blob)
                t.column("name_index", .blob).notNull().indexed()
                t.column("nhs_number_index", .blob).indexed()
            }
            try db.create(table: "cases") { t in
                t.primaryKey("id", .text)
                t.column("client_id", .text).notNull().references("people")
                t.column("organisation_id", .text).notNull().references("organisations")
                t.column("nhs_body", .text)
                t.column("status", .text).notNull()
                t.column("incident_date", .text)
                t.column("aware_date", .text)
                t.column("complaint_date", .text)
                t.column("opened_at", .text).notNull()
                t.column("opened_by", .text)
                t.column("closed_at", .text)
            }
            try db.create(table: "case_advocates") { t in
                t.column("case_id", .text).notNull().references("cases", onDelete: .cascade)
                t.column("advocate_id", .text).notNull().references("advocates")
                t.primaryKey(["case_id", "advocate_id"])
            }
            try db.create(table: "data_keys") { t in
                t.column("scope", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("created_at", .text).notNull()
                t.primaryKey(["scope", "version"])
            }
            try db.create(table: "key_wrappers") { t in
                t.column("scope", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("wrapper_kind", .text).notNull()
                t.column("wrapper_id", .text).notNull()
                t.column("sealed", .blob).notNull()
                t.column("created_at", .text).notNull()
                t.primaryKey(["scope", "version", "wrapper_kind", "wrapper_id"])
                t.foreignKey(["scope", "version"], references: "data_keys", onDelete: .cascade)
            }
            try db.create(table: "documents") { t in
                t.primaryKey("id", .text)
                t.column("case_id", .text).notNull().references("cases").indexed()
                t.column("kind", .text).notNull()
                t.column("media_type", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("document_date", .text)
                t.column("document_date_source", .text).notNull()
                t.column("ingested_at", .text).notNull()
                t.column("ingested_by", .text)
                t.column("case_key_version", .integer).notNull()
                t.column("wrapped_key", .blob).notNull()
                t.column("original_name_sealed", .blob).notNull()
                t.column("ciphertext_size", .integer).notNull()
                t.column("ciphertext_sha256", .blob).notNull()
                t.column("content_mac", .blob).notNull()
            }
            try db.create(index: "documents_case_mac", on: "documents", columns: ["case_id", "content_mac"])
            try db.create(table: "tombstones") { t in
                t.primaryKey("case_id", .text)
                t.column("erased_at", .text).notNull()
                t.column("erased_by", .text)
                t.column("reason_sealed", .blob)
                t.column("document_count", .integer).notNull()
            }
        }
        registerAudit(&migrator)
        registerConsent(&migrator)
        registerRoles(&migrator)
        registerPeopleErasure(&migrator)
        registerStateLedger(&migrator)
        registerCaseReferences(&migrator)
        registerSealedCaseDetails(&migrator)
        registerSealedDateSource(&migrator)
        registerSealedOrganisationNames(&migrator)
        registerIdentities(&migrator)
        registerSignedAuditEvents(&migrator)
        registerAccountRemoval(&migrator)
        registerListingOrder(&migrator)
        registerAccountConfirmation(&migrator)
        return migrator
    }
}

extension Schema {
    /// Audit tables: append-only by convention and checked by the hash chain, not by trust in SQL.
    static func registerAudit(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-audit") { db in
            try db.create(table: "audit_events") { t in
                t.primaryKey("seq", .integer)
                t.column("time", .text).notNull()
                t.column("actor", .text)
                t.column("action", .text).notNull()
                t.column("case_id", .text).indexed()
                t.column("document_id", .text)
                t.column("decision", .text)
                t.column("rule_ids", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("details", .text).notNull()
                t.column("prev_mac", .blob).notNull()
                t.column("entry_mac", .blob).notNull()
            }
            try db.create(table: "audit_checkpoints") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("checkpoint", .text).notNull()
            }
        }
    }
}

extension Schema {
    /// Consent records: authorities, capacity assessments, a person's status and a case's complaint facts.
    /// Everything but the ids is sealed (personal data, and a withdrawal must not be undoable by editing a column).
    static func registerConsent(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-consent") { db in
            try db.create(table: "consent_records") { t in
                t.primaryKey("id", .text)
                t.column("record_type", .text).notNull()
                t.column("case_id", .text).indexed()
                t.column("person_id", .text).indexed()
                t.column("created_at", .text).notNull()
                t.column("updated_at", .text).notNull()
                t.column("sealed", .blob).notNull()
            }
        }
    }
}

extension Schema {
    /// Roles (advocate, manager, admin): an administrator manages accounts for the whole vault and belongs to no
    /// organisation, so `organisation_id` becomes optional. SQLite cannot drop NOT NULL in place; the table is
    /// rebuilt the documented way (new table, copy, drop, rename) with foreign keys off during the migration.
    /// `people.added_by` lets the advocate who registered a person see them before they are on any case.
    static func registerRoles(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-roles") { db in
            try db.create(table: "advocates_v4") { t in
                t.primaryKey("id", .text)
                t.column("organisation_id", .text).references("organisations")
                t.column("name_sealed", .blob).notNull()
                t.column("created_at", .text).notNull()
                t.column("role", .text).notNull().defaults(to: "advocate")
            }
            try db.execute(sql: """
                INSERT INTO advocates_v4 (id, organisation_id, name_sealed, created_at, role)
                SELECT id, organisation_id, name_sealed, created_at, 'advocate' FROM advocates
                """)
            try db.drop(table: "advocates")
            try db.rename(table: "advocates_v4", to: "advocates")
            try db.alter(table: "people") { t in t.add(column: "added_by", .text) }
        }
    }
}

extension Schema {
    /// `people.erased_at`: a person erased with the only case they were on keeps a row of ids (cases and audit events
    /// still name them), marked erased, with every sealed field and blind index emptied.
    static func registerPeopleErasure(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-people-erasure") { db in
            try db.alter(table: "people") { t in t.add(column: "erased_at", .text) }
        }
    }
}

extension Schema {
    /// The state ledger's index: each record's current version and stored-value hash, and a digest per bucket, kept by
    /// the core in the same transaction as every change (the audit log carries the same facts, MAC-chained).
    static func registerStateLedger(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-state-ledger") { db in
            try db.create(table: "record_state") { t in
                t.column("kind", .text).notNull()
                t.column("record_id", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("hash", .blob)
                t.column("bucket", .integer).notNull()
                t.column("scope", .text)
                t.primaryKey(["kind", "record_id"])
            }
            try db.create(index: "record_state_bucket", on: "record_state", columns: ["bucket"])
            try db.create(index: "record_state_scope", on: "record_state", columns: ["scope"])
            try db.create(table: "state_buckets") { t in
                t.primaryKey("bucket", .integer)
                t.column("digest", .blob).notNull()
            }
        }
    }
}

extension Schema {
    /// Case references: each organisation's prefix, each case's reference (unique) and the NHS body's own reference,
    /// sealed. Existing rows are left as they are: a migration that wrote values would change rows behind the state
    /// ledger's back (the core assigns references through its ledgered writes instead).
    static func registerCaseReferences(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-case-references") { db in
            try db.alter(table: "organisations") { t in t.add(column: "case_prefix", .text) }
            try db.alter(table: "cases") { t in
                t.add(column: "reference", .text)
                t.add(column: "their_reference_sealed", .blob)
            }
            try db.create(index: "cases_reference", on: "cases", columns: ["reference"], unique: true)
        }
    }
}

extension Schema {
    /// The case's NHS body and dates, sealed in one column. The clear columns stay (SQLite cannot drop them without
    /// rebuilding the table) and are emptied by the core when it first opens the vault with its key: a migration has
    /// no key to seal with, and values written here would change rows behind the state ledger's back.
    static func registerSealedCaseDetails(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-sealed-case-details") { db in
            try db.alter(table: "cases") { t in t.add(column: "details_sealed", .blob) }
        }
    }
}

extension Schema {
    /// How a document's date was found, sealed under the case key. The clear column is NOT NULL, so the core leaves ""
    /// in it once the value is sealed (sealed by the core at the first open with the key, as for the case details).
    static func registerSealedDateSource(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-sealed-date-source") { db in
            try db.alter(table: "documents") { t in t.add(column: "date_source_sealed", .blob) }
        }
    }
}

extension Schema {
    /// Organisation names sealed, with a unique blind index. `name` keeps its NOT NULL UNIQUE constraint and holds the
    /// organisation's id once the name is sealed (rebuilding the table to relax it would touch every row behind the
    /// state ledger's back for no gain).
    static func registerSealedOrganisationNames(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-sealed-organisation-names") { db in
            try db.alter(table: "organisations") { t in
                t.add(column: "name_sealed", .blob)
                t.add(column: "name_index", .blob)
            }
            try db.create(index: "organisations_name_index", on: "organisations", columns: ["name_index"], unique: true)
        }
    }
}

extension Schema {
    /// Identities (issue 17): each account's public keys, and each organisation's recovery public key. Nullable: a
    /// vault of an earlier release has accounts without identities until `migrate` gives them one.
    static func registerIdentities(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11-identities") { db in
            try db.alter(table: "advocates") { t in
                t.add(column: "agreement_public", .blob)
                t.add(column: "signing_public", .blob)
            }
            try db.alter(table: "organisations") { t in
                t.add(column: "recovery_public", .blob)
            }
        }
    }
}

extension Schema {
    /// Signed actions (issue 17): the acting identity's Ed25519 signature on each audit event. Nullable: events of a
    /// key-file vault, and those a migrated vault wrote before its migration, carry none.
    static func registerSignedAuditEvents(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-signed-audit-events") { db in
            try db.alter(table: "audit_events") { t in
                t.add(column: "signature", .blob)
            }
        }
    }
}

extension Schema {
    /// Removed accounts (issue 17): the row stays (audit events and history name it), marked with when it was removed.
    static func registerAccountRemoval(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13-account-removal") { db in
            try db.alter(table: "advocates") { t in t.add(column: "removed_at", .text) }
        }
        // A form's precise kind (consent form, evidence of authority) sealed under the case key; `kind` says `form`.
        migrator.registerMigration("v14-sealed-document-kind") { db in
            try db.alter(table: "documents") { t in t.add(column: "kind_sealed", .blob) }
        }
    }
}

extension Schema {
    /// `list` of 100 000 documents must take well under 0.2 s: these indexes give the rows in the listing's order (date,
    /// undated last, then case), so SQLite reads them in order instead of sorting every wide row. Within one date and
    /// case the rows come in table order, which is insertion order: the core orders each such group by its sealed
    /// name (the one ordering no index can give), so ordering it by id here as well would cost a sort for nothing.
    static func registerListingOrder(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15-document-listing-order") { db in
            try db.execute(sql: "CREATE INDEX documents_listing_by_case ON documents(case_id, document_date IS NULL, document_date)")
            try db.execute(sql: "CREATE INDEX documents_listing ON documents(document_date IS NULL, document_date, case_id)")
        }
    }
}

extension Schema {
    /// Accounts an administrator adds to an organisation that has key holders await a member's confirmation before
    /// they hold any of its keys. Every account already here was trusted before: NULL (confirmed) for all of them.
    static func registerAccountConfirmation(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16-confirm-accounts") { db in
            try db.alter(table: "advocates") { t in t.add(column: "awaiting_confirmation_since", .text) }
        }
        // A newcomer replaces the key pair the administrator wrote before a manager may confirm them: when they did.
        migrator.registerMigration("v16-confirm-renewed-identities") { db in
            try db.alter(table: "advocates") { t in t.add(column: "identity_renewed_at", .text) }
        }
    }
}
