import ArgumentParser

@main
struct CaseVault: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casevault",
        abstract: "A secure document vault with consent tracking for NHS complaints advocates."
    )
}
