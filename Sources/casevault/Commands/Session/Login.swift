import ArgumentParser
import Foundation
import VaultClient
import VaultCrypto
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault {
    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Log in to your team's casevault server; later commands act on its vault.",
            discussion: """
            Uses your identity file (--keys or $CASEVAULT_KEYS) and its passphrase ($CASEVAULT_PASSPHRASE, --passphrase-file, \
            or a prompt). The session is kept in $CASEVAULT_SESSION_FILE, else ~/.config/casevault/session (mode 0600). \
            Until 'casevault logout', commands without --vault or $CASEVAULT_VAULT go to this server.
            """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The server's CA certificate (PEM), when it is not signed by an authority this computer trusts; "
                                   + "kept in the session file and trusted from then on.", valueName: "FILE"))
        var caFile: String?
        @Option(help: ArgumentHelp("The code your authenticator app shows now, if you have turned login codes on (casevault totp enable).",
                                   valueName: "CODE"))
        var totp: String?

        func validate() throws {
            if let totp, !(6...8).contains(totp.filter(\.isNumber).count) || totp.contains(where: { !$0.isNumber && $0 != " " }) {
                throw ValidationError("--totp takes the 6 digits your authenticator app shows now")
            }
        }

        func run() throws {
            guard let text = global.server ?? ProcessInfo.processInfo.environment["CASEVAULT_SERVER"].flatMap({ $0.isEmpty ? nil : $0 }) else {
                throw CLIError("name the server to log in to", hints: ["for example: casevault login --server https://vault.example.org:8443"],
                               exitCode: ExitCode.validationFailure.rawValue)
            }
            let server = try ServerAddress(text)
            let pinned = try caFile.map(Self.pin)
            let identityPath = global.paths.keyFile
            let identityBytes = [UInt8](try PrivateFiles.read(identityPath, limit: 64 * 1024))
            let identity = try IdentityFile.decode(Data(identityBytes))
            // Checked here so a wrong passphrase never reaches the server (where failures count towards a lock-out).
            guard identity.needsPassphrase else {
                throw CLIError("the server refuses an identity file without a passphrase (over a network it is the second thing a thief would need)",
                               hints: ["set one with: casevault passwd --keys \(identityPath)"])
            }
            let passphrase = try global.passphrase.read(confirm: false)
            _ = try identity.unlock(passphrase: passphrase)
            let api = try VaultAPI(server: server, trust: pinned.map { .pinnedCA(pem: Array($0.pem.utf8)) } ?? .systemRoots)
            let result = try Self.logIn(api, identityFile: identityBytes, passphrase: passphrase, loginCode: totp)
            let session = ServerSession(server: server, login: result, ca: pinned, now: Date())
            try global.sessionFile.write(session)
            if global.json {
                var fields = ["server": session.server, "account": session.account, "session": session.sessionID,
                              "expires_at": session.expiresAt, "session_file": global.sessionFile.path]
                if let name = result.name { fields["name"] = name }
                try global.emitJSON(fields)
            } else {
                let idle = session.idleMinutes.map { ", or after \($0) minutes without a command" } ?? ""
                let who = result.name.map { "\($0) (\(session.account))" } ?? session.account
                Terminal.printOut("Logged in to \(session.server) as \(who) (session \(session.sessionID); it ends at \(session.expiresAt)\(idle))")
            }
        }

        /// Logs in; refused without a code, on a terminal, asks once for the code and tries again. The passphrase was
        /// checked on this computer first, so the likeliest reason left is a login code the account asks for (the
        /// server says the same for every failure).
        static func logIn(_ api: VaultAPI, identityFile: [UInt8], passphrase: SecureBytes, loginCode: String?) throws -> LoginResult {
            do {
                return try api.login(identityFile: identityFile, passphrase: passphrase, loginCode: loginCode)
            } catch ClientError.loginFailed(let message) where loginCode == nil {
                guard let code = try askForLoginCode() else { throw ClientError.loginFailed(message: message) }
                return try api.login(identityFile: identityFile, passphrase: passphrase, loginCode: code)
            }
        }

        /// The code from the advocate's authenticator app, asked for on a terminal (nil: not a terminal, or they
        /// pressed Enter). Spaces are allowed, as apps show "123 456".
        static func askForLoginCode() throws -> String? {
            guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else { return nil }
            FileHandle.standardError.write(Data(("The server did not accept the login. If you have turned login codes on, type the code your "
                                                 + "authenticator app shows now (or press Enter to stop): ").utf8))
            let typed = (readLine() ?? "").filter { $0 != " " }
            guard !typed.isEmpty else { return nil }
            guard (6...8).contains(typed.count), typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else {
                throw CLIError("a login code is the 6 digits your authenticator app shows; nothing was sent",
                               hints: ["run casevault login again, or give the code with --totp CODE"], exitCode: ExitCode.validationFailure.rawValue)
            }
            return typed
        }

        /// The CA file's PEM, checked to hold a certificate, with its SHA-256 for the record.
        static func pin(_ path: String) throws -> ServerSession.PinnedCA {
            let data: Data
            do {
                data = try PrivateFiles.read(path, limit: 1 << 20)
            } catch {
                throw ClientError.unusableCAFile(path: path, reason: "it cannot be read")
            }
            _ = try HTTPSClient.certificates(pem: [UInt8](data), path: path)
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            return ServerSession.PinnedCA(path: absolute, sha256: (try HashFunction.sha256.hash([UInt8](data))).hexString, pem: String(decoding: data, as: UTF8.self))
        }
    }
}
