import ArgumentParser
import Consent
import Foundation

struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record, withdraw, list and check consents and legal authorities; evaluate what-if scenarios.",
        subcommands: [ConsentEvaluate.self]
    )
}
