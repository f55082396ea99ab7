import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault.Org {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an organisation (and, with identities, print its recovery share codes once).",
            discussion: """
            In a vault with identities every organisation has a recovery key: each case key of the organisation is also \\
            wrapped to it, so a person who forgets their passphrase can be given a new identity ('casevault recovery \\
            restore'). Its private half is split into share codes for trustees (any --threshold of the --shares codes \\
            rebuild it; fewer reveal nothing) and printed once: nothing else keeps it. Give each code to a different \\
            trustee, on paper; never store them together or in the vault.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The organisation's name.") var name: String
        @Option(help: "How many recovery share codes to make (2 to 9).") var shares = 3
        @Option(help: "How many of them rebuild the recovery key (2 to --shares).") var threshold = 2

        func validate() throws { try RecoveryShares.validate(shares: shares, threshold: threshold) }

        func run() throws {
            var codes: [String] = []
            let record = try global.withVault { vault -> OrganisationRecord in
                guard vault.usesIdentityFiles else { return try vault.addOrganisation(name: name) }
                let recovery = try X25519.PrivateKey.generate()
                let record = try vault.addOrganisation(name: name, recoveryKey: recovery.publicKey)
                codes = try RecoveryShares.split(recovery, vaultID: vault.vaultID, organisationID: record.id, shares: shares, threshold: threshold)
                return record
            }
            if global.json {
                try global.emitJSON(AddedOrganisation(id: record.id, recoveryShares: codes.isEmpty ? nil : codes,
                                                      recoveryThreshold: codes.isEmpty ? nil : threshold))
                return
            }
            Terminal.printOut(record.id)
            guard !codes.isEmpty else { return }
            Terminal.printOut("")
            Terminal.printOut("Recovery share codes for \(name): any \(threshold) of these \(shares) rebuild its recovery key. Give each to a")
            Terminal.printOut("different trustee, on paper. They are shown only now; fewer than \(threshold) reveal nothing.")
            RecoveryShares.printCodes(codes)
        }
    }

    struct AddedOrganisation: Encodable {
        let id: String
        let recoveryShares: [String]?
        let recoveryThreshold: Int?

        enum CodingKeys: String, CodingKey { case id, recoveryShares = "recovery_shares", recoveryThreshold = "recovery_threshold" }
    }
}

/// An organisation's recovery key as trustees' share codes, bound to this vault and organisation (a code of another
/// organisation or vault is refused by name when it is typed back).
enum RecoveryShares {
    static func context(vaultID: String, organisationID: String) -> String { "casevault-recovery/v1:\(vaultID):\(organisationID)" }

    /// `org add` and `recovery split` take the same two options.
    static func validate(shares: Int, threshold: Int) throws {
        guard (2...9).contains(shares), (2...shares).contains(threshold) else {
            throw ValidationError("--shares must be 2 to 9 and --threshold 2 to --shares (the default is 2 of 3)")
        }
    }

    static func printCodes(_ codes: [String]) {
        for (index, code) in codes.enumerated() {
            Terminal.printOut("")
            Terminal.printOut("Share \(index + 1) of \(codes.count):")
            Terminal.printOut(code)
        }
    }

    static func split(_ key: X25519.PrivateKey, vaultID: String, organisationID: String, shares: Int, threshold: Int) throws -> [String] {
        try Shamir.split(secret: key.rawRepresentation, threshold: threshold, shares: shares,
                         context: context(vaultID: vaultID, organisationID: organisationID))
            .map { ShareCode.printable(ShareCode.words(for: $0)) }
    }

    static func combine(_ codes: [String], vaultID: String, organisationID: String) throws -> X25519.PrivateKey {
        let context = context(vaultID: vaultID, organisationID: organisationID)
        let shares = try codes.enumerated().map { index, code in
            do {
                return try ShareCode.decode(code, context: context)
            } catch {
                throw CLIError("share code \(index + 1): \(error)", hints: ["check it word by word against the trustee's paper copy"])
            }
        }
        do {
            return try X25519.PrivateKey(rawRepresentation: try Shamir.combine(shares, context: context))
        } catch {
            throw CLIError("the share codes do not rebuild the recovery key: \(error)",
                           hints: ["each code must come from a different trustee of this organisation, from the same split"])
        }
    }
}
