import ArgumentParser

/// swift-argument-parser reads an option only after the command that declares it, so `casevault --vault V list`
/// is refused although every command takes `--vault`. Before parsing, the global options (GlobalOptions) found
/// before or between the subcommand names are moved to just after the full subcommand path, where the leaf
/// command's `@OptionGroup var global` reads them. Nothing else is reordered, and nothing after `--` is touched.
enum ArgumentOrder {
    /// Options that take a value (`--vault V` or `--vault=V`).
    static let valued: Set<String> = ["--vault", "--keys", "--passphrase-file", "--as", "--server"]
    /// Flags.
    static let flags: Set<String> = ["--json"]

    static func reordered(_ arguments: [String], root: ParsableCommand.Type) -> [String] {
        var globals: [String] = []
        var path: [String] = []
        var command: ParsableCommand.Type = root
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if valued.contains(name) {
                // `--vault` as the last word has no value: left where it is for the parser to report.
                guard argument.contains("=") || index + 1 < arguments.count else { break }
                globals.append(argument)
                if !argument.contains("=") { globals.append(arguments[index + 1]); index += 1 }
                index += 1
                continue
            }
            if flags.contains(argument) {
                globals.append(argument)
                index += 1
                continue
            }
            guard let next = subcommand(named: argument, of: command) else { break }
            path.append(argument)
            command = next
            index += 1
        }
        return path + globals + arguments[index...]
    }

    static func subcommand(named name: String, of command: ParsableCommand.Type) -> ParsableCommand.Type? {
        command.configuration.subcommands.first { sub in
            let configuration = sub.configuration
            return (configuration.commandName ?? sub._commandName) == name || configuration.aliases.contains(name)
        }
    }
}
