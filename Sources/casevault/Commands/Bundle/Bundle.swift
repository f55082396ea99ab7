import ArgumentParser

extension CaseVault {
    struct BundleCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bundle", abstract: "Check exported bundles, and list a case's redaction log.",
                                                        subcommands: [VerifyBundle.self, Log.self])
    }
}
