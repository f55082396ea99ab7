import ArgumentParser

extension CaseVault {
    struct RedactCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "redact",
            abstract: "Redaction terms, allow-lists, and a preview of what a bundle would hide.",
            subcommands: [Terms.self, Allow.self, List.self, Preview.self])
    }
}
