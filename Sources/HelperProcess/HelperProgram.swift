import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// casevault's other programs, installed beside it: `casevault-pdf` (everything that links the PDF libraries)
/// and `casevault-server` (the team server). Each is found in the folder of the running program
/// (/proc/self/exe), never on $PATH, so a command cannot be made to run another program of the same name.
public enum HelperProgram: String, Sendable {
    case pdf = "casevault-pdf"
    case server = "casevault-server"

    /// The helper's path, or `HelperProgramMissing` when it is not an executable file beside this program.
    public func locate() throws -> String {
        guard let own = Self.runningProgram() else { throw HelperProgramMissing(program: rawValue, folder: nil) }
        let folder = (own as NSString).deletingLastPathComponent
        let path = (folder as NSString).appendingPathComponent(rawValue)
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 else {
            throw HelperProgramMissing(program: rawValue, folder: folder)
        }
        return path
    }

    /// The running program's own file, as the kernel knows it.
    public static func runningProgram() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A helper program that should be installed beside casevault is not there (a partial copy or install).
public struct HelperProgramMissing: Error, Sendable, Equatable, CustomStringConvertible {
    public let program: String
    /// Nil when the running program's own file could not be read (/proc not mounted).
    public let folder: String?

    public var description: String {
        if let folder { return "\(program) is missing beside casevault (looked in \(folder))" }
        return "\(program) could not be found: casevault could not read its own program file (/proc/self/exe)"
    }
}
