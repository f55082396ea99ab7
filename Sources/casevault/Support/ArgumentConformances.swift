import ArgumentParser
import Consent
import VaultStore

/// The library's enums and option types, parsed from their raw values (the names the help lists).
extension AuthorityKind: ExpressibleByArgument {}
extension ConsentAction: ExpressibleByArgument {}
extension Vault.WithdrawalChannel: ExpressibleByArgument {}
extension DocumentKind: ExpressibleByArgument {}
extension AccountRole: ExpressibleByArgument {}
extension Vault.CaseRole: ExpressibleByArgument {}
