import Foundation
import HelperProcess
import VaultServer

// casevault-server: the team server (docs/server.md), started by `casevault serve --config FILE`, which replaces itself
// with this program, or run directly with the same option. Everything is in the configuration file and VaultServer.
// Exit status: 0 after a graceful stop (SIGTERM, SIGINT), 1 the server could not start or failed, 64 usage.

@main
enum CaseVaultServer {
    static func main() {
        ProcessHardening.apply()
        let configPath = parse(Array(CommandLine.arguments.dropFirst()))
        let server: VaultServer
        do {
            server = try VaultServer(config: try ServerConfig.load(path: configPath))
        } catch let error as ServerError {
            fail(error.description)
        } catch {
            fail("\(error)", hint: nil)
        }
        // The server runs in a task and the main thread waits for it, as `casevault serve` did before the split.
        // Detached: `main` is on the main actor, and a task inheriting it would wait for the thread blocked below.
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { try await server.run() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            if let error = error as? ServerError { fail(error.description) }
            fail("\(error)", hint: nil)
        }
        exit(0)
    }

    /// `--config FILE` (or `--config=FILE`), the only option.
    static func parse(_ arguments: [String]) -> String {
        var rest = arguments[...]
        var configPath: String?
        while let argument = rest.popFirst() {
            switch argument {
            case "--config": configPath = rest.popFirst()
            case let option where option.hasPrefix("--config="): configPath = String(option.dropFirst("--config=".count))
            case "-h", "--help":
                print("USAGE: casevault-server --config FILE  (the same as casevault serve --config FILE; see docs/server.md)")
                exit(0)
            default: fail("unexpected argument '\(argument)'", hint: "usage: casevault-server --config FILE", status: 64)
            }
        }
        guard let configPath, !configPath.isEmpty else { fail("missing --config FILE", hint: "usage: casevault-server --config FILE", status: 64) }
        return configPath
    }

    static func fail(_ message: String, hint: String? = "docs/server.md describes the configuration file", status: Int32 = 1) -> Never {
        var text = "casevault: error: \(message)\n"
        if let hint { text += "casevault: hint: \(hint)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        exit(status)
    }
}

/// The server task's error. @unchecked Sendable: written by the task before it signals the semaphore, read by the
/// main thread only after the wait returns.
private final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}
