import Audit
import Foundation
import VaultCrypto
import VaultStorage

/// A second factor for logging in to the team server (issue 21): TOTP (RFC 6238; SHA-1, 6 digits, 30 s, as
/// authenticator apps assume), enrolled by the account itself and required at every server login once confirmed.
///
/// The secret is wrapped to the account's own identity (X25519, `RecipientWrap`), not sealed under the metadata key:
/// every account holds the metadata key, so a colleague with a copy of the database could otherwise read anyone's
/// secret and make their codes. Only the person's identity (file + passphrase) opens it, which the server has at login
/// and no earlier. It lives in `vault_meta` under `totp:<account id>` (a ledgered setting: an edit outside casevault is
/// named by `verify`, and the login checks the row against the newest signed checkpoint); the last step used is kept
/// beside it, so a code is never accepted twice.
extension Vault {
    public enum TOTPState: String, Sendable, Codable {
        /// Not enrolled (or disabled, or reset by an administrator).
        case none
        /// Enrolled, waiting for a code that shows the app has the secret; logins do not ask for a code yet.
        case pending
        /// Every server login needs a current code.
        case active
    }

    /// What `totp enable` shows once: the secret and the URI an authenticator app reads. Never logged.
    public struct TOTPEnrolment: Sendable, CustomStringConvertible {
        public let secretBase32: String
        public let uri: String
        public var description: String { "TOTPEnrolment(<redacted>)" }
    }

    struct TOTPSetting: Codable, Equatable {
        static let format = "casevault-totp/v1"
        var format = TOTPSetting.format
        var state: TOTPState
        /// The secret wrapped to the account's identity (base64).
        var sealed: String
        var enrolledAt: String
        /// The newest time step a code was accepted for (0: none yet); only later steps are accepted.
        var lastStep: Int64

        enum CodingKeys: String, CodingKey {
            case format, state, sealed
            case enrolledAt = "enrolled_at"
            case lastStep = "last_step"
        }
    }

    static let totp = TOTP()
    static func totpMetaKey(_ accountID: String) -> String { "totp:" + accountID }
    static let totpEnrolAction = "account.totp_enrol"
    static let totpEnableAction = "account.totp_enable"
    static let totpDisableAction = "account.totp_disable"
    static let totpResetAction = "account.totp_reset"

    func totpContext(_ accountID: String) -> [UInt8] {
        Array("casevault/totp/v1".utf8) + [0] + Array(info.vaultID.utf8) + [0] + Array(accountID.utf8)
    }

    func totpSetting(_ accountID: String, in tx: any VaultRecordReading) throws -> TOTPSetting? {
        guard let value = try tx.meta(Self.totpMetaKey(accountID)), !value.isEmpty else { return nil }
        guard let setting = try? JSONDecoder().decode(TOTPSetting.self, from: Data(value.utf8)), setting.format == TOTPSetting.format else {
            throw VaultError.damagedField(table: "vault_meta", column: "value", rowID: Self.totpMetaKey(accountID))
        }
        return setting
    }

    func saveTOTP(_ setting: TOTPSetting?, accountID: String, in tx: any VaultRecordWriting) throws {
        guard let setting else { return try tx.setMeta(Self.totpMetaKey(accountID), "") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try tx.setMeta(Self.totpMetaKey(accountID), String(decoding: try encoder.encode(setting), as: UTF8.self))
    }

    private func ownIdentity() throws -> UnlockedIdentity {
        guard let identity = hierarchy.unlock.identity else {
            throw VaultError.invalidInput("this vault has no identities yet, so there is no account to protect with a code")
        }
        return identity
    }

    private func openSecret(_ setting: TOTPSetting, identity: UnlockedIdentity) throws -> SecureBytes {
        guard let wrapped = Data(base64Encoded: setting.sealed) else { throw TOTPError.secretDoesNotOpen }
        do {
            return try RecipientWrap.unwrap(Array(wrapped), with: identity.agreementKey, context: totpContext(identity.accountID))
        } catch {
            throw TOTPError.secretDoesNotOpen
        }
    }

    /// The login-code secret sealed again to a renewed identity's new agreement key, in the renewal's transaction
    /// (it is sealed to the identity, so without this an account with login codes on could never log in again).
    func rewrapTOTP(_ accountID: String, from identity: UnlockedIdentity, to publicKey: X25519.PublicKey, in tx: any VaultRecordWriting) throws {
        guard var setting = try totpSetting(accountID, in: tx) else { return }
        let secret = try openSecret(setting, identity: identity)
        setting.sealed = Data(try RecipientWrap.wrap(secret, to: publicKey, context: totpContext(accountID))).base64EncodedString()
        try saveTOTP(setting, accountID: accountID, in: tx)
    }

    private var unixNow: Int64 { Int64(now().timeIntervalSince1970.rounded(.down)) }

    /// Accepts `code` for `setting` if it is current (±1 step) and later than any code accepted before; returns the
    /// setting with that step recorded.
    private func accept(_ code: String, _ setting: TOTPSetting, identity: UnlockedIdentity) throws -> TOTPSetting {
        let secret = try openSecret(setting, identity: identity)
        guard let step = try Self.totp.matchingStep(code, secret: secret, at: unixNow), step > setting.lastStep else {
            throw TOTPError.wrongCode
        }
        var updated = setting
        updated.lastStep = step
        return updated
    }

    // MARK: - The account's own enrolment

    public func totpState(accountID: AccountID? = nil) throws -> TOTPState {
        let accountID = accountID?.rawValue
        return try store.read { tx in
            let account = try account(in: tx, evenAwaiting: true)
            return try totpSetting(accountID ?? account.id, in: tx)?.state ?? TOTPState.none
        }
    }

    /// A new secret, wrapped to this account's identity, waiting for `confirmTOTP`. Enrolling again while pending
    /// replaces the secret (the first was perhaps never scanned); while active it is refused: disable first.
    public func enrolTOTP(label: String? = nil) throws -> TOTPEnrolment {
        let identity = try ownIdentity()
        var enrolment: TOTPEnrolment?
        try guarded { try store.write { tx in
            let account = try account(in: tx, evenAwaiting: true)
            if try totpSetting(account.id, in: tx)?.state == .active { throw TOTPError.alreadyActive }
            let secret = try SecureBytes.random(count: TOTP.secretSize)
            let wrapped = try RecipientWrap.wrap(secret, to: identity.agreementKey.publicKey, context: totpContext(account.id))
            try saveTOTP(TOTPSetting(state: .pending, sealed: Data(wrapped).base64EncodedString(), enrolledAt: timestamp(), lastStep: 0),
                         accountID: account.id, in: tx)
            try audit(event(Self.totpEnrolAction, details: ["advocate": account.id]), in: tx)
            enrolment = TOTPEnrolment(secretBase32: Base32.encode(secret),
                                      uri: Self.totp.uri(secret: secret, issuer: "casevault", label: label ?? account.id))
        } }
        guard let enrolment else { throw TOTPError.notEnrolled }
        return enrolment
    }

    /// Turns a pending enrolment on, given a current code from the app.
    public func confirmTOTP(code: String) throws {
        let identity = try ownIdentity()
        try guarded { try store.write { tx in
            let account = try account(in: tx, evenAwaiting: true)
            guard let setting = try totpSetting(account.id, in: tx) else { throw TOTPError.notEnrolled }
            guard setting.state == .pending else { throw TOTPError.alreadyActive }
            var accepted = try accept(code, setting, identity: identity)
            accepted.state = .active
            try saveTOTP(accepted, accountID: account.id, in: tx)
            try audit(event(Self.totpEnableAction, details: ["advocate": account.id]), in: tx)
        } }
    }

    /// Turns it off, given a current code (so that someone at an unlocked terminal cannot drop the second factor).
    public func disableTOTP(code: String) throws {
        let identity = try ownIdentity()
        try guarded { try store.write { tx in
            let account = try account(in: tx, evenAwaiting: true)
            guard let setting = try totpSetting(account.id, in: tx) else { throw TOTPError.notEnrolled }
            if setting.state == .active { _ = try accept(code, setting, identity: identity) }
            try saveTOTP(nil, accountID: account.id, in: tx)
            try audit(event(Self.totpDisableAction, details: ["advocate": account.id]), in: tx)
        } }
    }

    /// For a person who lost their phone: an administrator, or a manager of their organisation, removes the
    /// enrolment (they never see the secret). Audited, naming the account.
    public func resetTOTP(accountID: AccountID) throws {
        let accountID = accountID.rawValue
        try guarded { try store.write { tx in
            let actor = try require(.organisationChange, roles: [.admin, .manager], subject: accountID, in: tx)
            guard let target = try tx.advocate(accountID) else { throw VaultError.notFound(kind: "advocate", id: accountID) }
            try requireOwnOrganisation(actor, of: target.organisationID, .organisationChange, subject: accountID,
                                       reason: "a manager resets the login codes of their own organisation's accounts only")
            guard try totpSetting(accountID, in: tx) != nil else { throw TOTPError.notEnrolled }
            try saveTOTP(nil, accountID: accountID, in: tx)
            try audit(event(Self.totpResetAction, details: ["advocate": accountID]), in: tx)
        } }
    }

    // MARK: - At login (the server)

    /// Whether a login as this vault's identity may go on: true when the account has no active enrolment, or `code` is
    /// current and unused (its step is then recorded, in one write under the writers' lock, so two servers cannot
    /// both accept it). False for a missing or wrong code, or a secret the identity cannot open (an identity
    /// re-issued since enrolment: an administrator resets it). Throws when the setting was changed outside casevault.
    public func checkTOTPAtLogin(code: String?) throws -> Bool {
        let identity = try ownIdentity()
        let key = Self.totpMetaKey(identity.accountID)
        let setting = try store.read { tx -> TOTPSetting? in
            try checkSignedSetting(key, in: tx)
            return try totpSetting(identity.accountID, in: tx)
        }
        guard let setting, setting.state == .active else { return true }
        guard let code else { return false }
        do {
            try store.write { tx in
                // Read again under the lock: another instance may have just accepted this very code.
                guard let current = try totpSetting(identity.accountID, in: tx), current.state == .active else { throw TOTPError.notEnrolled }
                try saveTOTP(try accept(code, current, identity: identity), accountID: identity.accountID, in: tx)
            }
            return true
        } catch is TOTPError {
            return false
        }
    }

    /// The setting's row against the state the newest signed checkpoint vouches for (as `checkSignedState` does for a
    /// case): an enrolment deleted or put back with psql is refused rather than trusted. Skipped while the log is past
    /// its newest signed checkpoint.
    func checkSignedSetting(_ metaKey: String, in tx: any VaultRecordReading) throws {
        guard let buckets = try signedStateBuckets(in: tx) else { return }
        let key = RecordKey(kind: .meta, id: metaKey)
        let states = try Self.checkedBucket(try StateHash.bucket(key, scope: nil), against: buckets, subject: "setting \(metaKey)", in: tx)
        let signed = states.first { $0.kind == RecordKind.meta.rawValue && $0.recordID == metaKey }?.hash.map(Array.init)
        let stored = try tx.meta(metaKey).map { try StateHash.of(key, $0) }
        guard signed == stored else { throw VaultError.changedOutside(subject: "setting \(metaKey)", what: "its value") }
    }
}

/// Why a code was not accepted; words for the person at the keyboard.
public enum TOTPError: Error, Equatable, Sendable, CustomStringConvertible {
    case notEnrolled
    case alreadyActive
    case wrongCode
    case secretDoesNotOpen

    public var description: String {
        switch self {
        case .notEnrolled: "no login code is set up for this account"
        case .alreadyActive: "login codes are already turned on for this account: turn them off first (with a current code) to enrol a new phone"
        case .wrongCode: "that is not the current code (or it was already used): check that the phone's clock is right and type the code it shows now"
        case .secretDoesNotOpen: "the login-code secret does not open with this identity (it was enrolled with an earlier identity): ask an administrator to reset it"
        }
    }
}
