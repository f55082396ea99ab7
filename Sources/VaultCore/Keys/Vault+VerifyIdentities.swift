import Foundation
import VaultCrypto
import VaultStorage
#if canImport(Glibc)
import Glibc
#endif

/// What `verify` can check with one person's identity: their own wrappers open; everyone else's wrappers and the
/// documents of cases they hold no key to are checked without keys (shape, holder, size, SHA-256).
extension Vault {
    /// Every holder a wrapper may name: accounts with an identity, organisations with a recovery key.
    static func wrapperHolders(in tx: any VaultRecordReading) throws -> Set<String> {
        Set(try tx.advocates().filter { $0.agreementPublic != nil }.map { "identity:" + $0.id })
            .union(try tx.organisations().filter { $0.recoveryPublic != nil }.map { "recovery:" + $0.id })
    }

    static func checkForeignWrapper(_ wrapper: KeyWrapperRecord, holders: Set<String>) throws {
        guard holders.contains(wrapper.wrapperKind + ":" + wrapper.wrapperID) else {
            throw VaultError.invalidInput("the wrapped key is made for \(wrapper.wrapperKind) \(wrapper.wrapperID), which holds no key in this vault")
        }
        guard wrapper.sealed.count == RecipientWrap.overhead + 32, wrapper.sealed.first == 1 else {
            throw VaultError.damagedKey(scope: wrapper.scope, version: wrapper.version)
        }
    }

    /// With identities, the cases whose current key the acting identity holds; nil with a key file (it holds all).
    func heldCaseKeys(in tx: any VaultRecordReading) throws -> Set<String>? {
        guard let own = hierarchy.unlock.identity else { return nil }
        return Set(try tx.wrappers().filter { $0.wrapperKind == KeyRecipient.Kind.identity.rawValue && $0.wrapperID == own.accountID }
            .compactMap { KeyHierarchy.caseID(ofScope: $0.scope) })
    }
}
