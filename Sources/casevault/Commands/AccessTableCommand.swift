import ArgumentParser
import Foundation
import VaultCore

extension CaseVault {
    /// `casevault __access-table`: the command → operation → who table, as JSON (for the test and for SECURITY.md).
    struct AccessTableCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__access-table", abstract: "Internal: who may run each command.",
                                                        shouldDisplay: false)

        struct Row: Encodable {
            let command: String
            let operations: [String]?
            let who: [String]
            let consent: [String]
        }

        func run() throws {
            let rows = CommandAccess.commandPaths(CaseVault.self).sorted().map { path in
                let operations = CommandAccess.operations[path]
                return Row(command: path, operations: operations?.map(\.rawValue), who: operations?.map(\.who) ?? [],
                           consent: operations?.compactMap { $0.consent?.rawValue } ?? [])
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Terminal.printOut(String(decoding: try encoder.encode(rows), as: UTF8.self))
        }
    }
}
