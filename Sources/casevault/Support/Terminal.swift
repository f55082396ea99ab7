import Foundation
import VaultCrypto
import VaultStore
#if canImport(Glibc)
import Glibc
#endif

enum Terminal {
    /// Every line for people passes through `escaped`: a stored name or a document's own text can hold terminal
    /// escape sequences (ESC[2J clears the screen; others retitle the window or fake a prompt).
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((escaped(line, keepingLineBreaks: true) + "\n").utf8))
    }

    static func printOut(_ text: String) {
        FileHandle.standardOutput.write(Data((escaped(text, keepingLineBreaks: true) + "\n").utf8))
    }

    /// Text already safe, as it is: JSON for scripts (JSONEncoder escapes control characters its own way; ours
    /// would break it), or a preview whose pieces were escaped one by one around our own highlighting.
    static func printVerbatim(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// The one escaping of text shown on a terminal: control characters (C0, DEL, C1) and the invisible
    /// direction overrides are shown as `\u{1B}`; line breaks and tabs stay only where the text is multi-line
    /// by nature (a preview), never inside a table cell or a field.
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineBreaks: keepingLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            // A Windows line end (CR LF) in multi-line text is a line end, not a stray carriage return.
            let lineEnd = keepingLineBreaks && scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n"
            if needsEscape(scalar, keepingLineBreaks: keepingLineBreaks) && !lineEnd {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func needsEscape(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepingLineBreaks
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
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
