import ArgumentParser
import Foundation
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault.Advocate {
    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm",
            abstract: "Confirm a new account of your organisation, so it is given the organisation's keys.",
            discussion: """
            An account an administrator adds to an organisation that already has members awaits confirmation: it holds \\
            none of the organisation's keys and acts on no case or person. A manager of the organisation confirms it \\
            once the new person has read out the fingerprint 'casevault identity show' prints from their own identity \\
            file, and it matches (--fingerprint, or the question asked on a terminal). Then the case keys and the \\
            organisation's directory key the manager holds are shared with the account at once.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The new account: name or id.") var advocate: String
        @Option(help: ArgumentHelp("The fingerprint the person read out from 'casevault identity show'.", valueName: "FINGERPRINT"))
        var fingerprint: String?

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let confirmed = try global.withVault { vault -> Vault.ConfirmedAccount in
                let id = try vault.accountID(advocate)
                let expected = try vault.identityFingerprint(of: id)
                let given: String
                if let fingerprint {
                    given = fingerprint
                } else {
                    try Self.requireTerminal()
                    Terminal.printError("The vault's fingerprint of \(id)'s identity: \(expected)")
                    FileHandle.standardError.write(Data("Is it exactly what they read out from 'casevault identity show'? [y/N] ".utf8))
                    let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                    guard answer == "y" || answer == "yes" else {
                        throw CLIError("not confirmed; nothing was recorded",
                                       hints: ["if the fingerprints differ, the identity file they hold is not the one the vault knows: ask the administrator who added them"])
                    }
                    given = expected
                }
                return try vault.confirmAccount(id, fingerprint: given)
            }
            try report(Reply(id: confirmed.accountID, casesShared: confirmed.casesShared, directoryKeyShared: confirmed.directoryKeyShared))
        }

        /// Over the team server: the core there resolves the name, checks who may and compares the fingerprint. It
        /// shows no fingerprint to compare by eye, so without --fingerprint the one read out is typed in.
        func runOnServer(_ target: ServerTarget) throws {
            let given: String
            if let fingerprint {
                given = fingerprint
            } else {
                try Self.requireTerminal()
                FileHandle.standardError.write(Data("Type the fingerprint they read out from 'casevault identity show': ".utf8))
                given = readLine() ?? ""
            }
            let bytes = try target.api.confirmAccount(advocate, fingerprint: given)
            guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(bytes)) else {
                throw CLIError("the server at \(target.server) gave an answer casevault does not understand (not the JSON the API document describes)")
            }
            try report(reply)
        }

        /// Without --fingerprint the question is asked, on a terminal only (a script must give the fingerprint).
        static func requireTerminal() throws {
            guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else {
                throw CLIError("give the fingerprint the person read out with --fingerprint; nothing was recorded",
                               hints: ["they run 'casevault identity show' with their own identity file and read it to you"])
            }
        }

        /// The same words and JSON locally and over the server.
        func report(_ confirmed: Reply) throws {
            if global.json { try global.emitJSON(confirmed) } else {
                Terminal.printOut("Confirmed \(confirmed.id): shared the keys of \(confirmed.casesShared.count) case(s)"
                                  + (confirmed.directoryKeyShared ? " and the organisation's directory key" : ""))
            }
        }

        /// `Vault.ConfirmedAccount` as JSON (the route's answer, openapi.yaml).
        struct Reply: Codable {
            let id: String
            let casesShared: [String]
            let directoryKeyShared: Bool
            enum CodingKeys: String, CodingKey {
                case id
                case casesShared = "cases_shared"
                case directoryKeyShared = "directory_key_shared"
            }
        }
    }
}
