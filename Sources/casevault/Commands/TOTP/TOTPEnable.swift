import ArgumentParser
import VaultCore

extension CaseVault.TOTPCommand {
    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable",
            abstract: "Make a login-code secret for your authenticator app (shown once); then run 'totp confirm CODE'.",
            discussion: """
            The secret is kept in the vault wrapped to your own identity: only your identity file and passphrase open \\
            it (the server does at login). Running it again before confirming replaces the secret.
            """
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let enrolment = try CaseVault.TOTPCommand.presenting { try global.withVault { try $0.enrolTOTP() } }
            if global.json {
                try global.emitJSON(["uri": enrolment.uri, "secret": enrolment.secretBase32, "state": "pending"])
                return
            }
            Terminal.printOut("Add this to your authenticator app (scan it as a QR code, or type the secret):")
            Terminal.printOut("  " + enrolment.uri)
            Terminal.printOut("  secret: " + enrolment.secretBase32)
            Terminal.printOut("It is shown only now. Then turn codes on with the code the app shows: casevault totp confirm CODE")
        }
    }
}
