import Foundation
import VaultCrypto
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

enum Terminal {
    /// Every line for people passes through `escaped`: a stored name or a document's own text can hold terminal
    /// escape sequences (ESC[2J clears the screen; others retitle the window or fake a prompt). A diagnostic is one
    /// line, so a line break in a name it quotes is shown too (it would forge a "casevault: hint:" line).
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((escaped(line) + "\n").utf8))
    }

    /// Standard output may be several lines by nature (a table whose cells are escaped one by one, a note's text).
    static func printOut(_ text: String) {
        FileHandle.standardOutput.write(Data((escaped(text, keepingLineBreaks: true) + "\n").utf8))
    }

    /// Text already safe, as it is: JSON for scripts (JSONEncoder escapes control characters its own way; ours
    /// would break it), or a preview whose pieces were escaped one by one around our own highlighting.
    static func printVerbatim(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// The one escaping of stored text (`DisplayText`, in the core, which words file names in its messages the same way).
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        DisplayText.escaped(text, keepingLineBreaks: keepingLineBreaks)
    }

    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Reads a line from the controlling terminal with echo off. The bytes go straight into `SecureBytes`
    /// and the read buffer is wiped.
    static func readSecret(prompt: String) throws -> SecureBytes {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw CLIError("no terminal to ask for the passphrase",
                           hints: ["set CASEVAULT_PASSPHRASE or pass --passphrase-file FILE"])
        }
        defer { close(fd) }
        var original = termios()
        let haveTermios = tcgetattr(fd, &original) == 0
        if haveTermios {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if haveTermios { _ = tcsetattr(fd, TCSAFLUSH, &original) }
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        defer { secureZero(&buffer) }
        var count = 0
        while count < buffer.count {
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            buffer[count] = byte
            count += 1
        }
        return SecureBytes(copying: buffer[0..<count])
    }
}

/// Where the passphrase comes from: `--passphrase-file`, else `$CASEVAULT_PASSPHRASE`, else the terminal.
struct PassphraseSource {
    var file: String?

    func read(confirm: Bool) throws -> SecureBytes {
        if let file {
            try PrivateFiles.requirePrivate(file, what: .passphraseFile)
            var bytes = [UInt8](try PrivateFiles.read(file, limit: 4096))
            defer { secureZero(&bytes) }
            // One trailing newline is the file's line ending, not part of the passphrase.
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            return SecureBytes(copying: bytes)
        }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CASEVAULT_PASSPHRASE"] {
            return SecureBytes(copying: Array(fromEnvironment.utf8))
        }
        let first = try Terminal.readSecret(prompt: "Passphrase: ")
        if confirm {
            let second = try Terminal.readSecret(prompt: "Passphrase (again): ")
            guard first == second else { throw CLIError("the two passphrases differ", hints: ["run the command again"]) }
        }
        return first
    }
}
