import ArgumentParser
import Consent
import VaultCore

/// The library's enums and option types, parsed from their raw values (the names the help lists).
extension AuthorityKind: ExpressibleByArgument {}
extension ConsentAction: ExpressibleByArgument {}
extension Vault.WithdrawalChannel: ExpressibleByArgument {}
extension DocumentKind: ExpressibleByArgument {}
extension AccountRole: ExpressibleByArgument {}
extension Vault.CaseRole: ExpressibleByArgument {}

/// Ids typed on the command line are taken as they are (a lookup by name or reference happens in the core); the
/// type only keeps a document id from being passed where a case id is expected.
extension Identifier: ExpressibleByArgument {}
