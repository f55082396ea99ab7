import ArgumentParser
import CProcessShims
import Foundation
import MeetingBundle
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault {
    /// `casevault __analyse`: the child process that parses, renders and reads (OCR) one untrusted PDF or image
    /// for `export`. Not for people: the request arrives on stdin (never through a file), the answer leaves on
    /// stdout. Its limits are set before the first byte of the document is read.
    struct AnalyseCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__analyse", abstract: "Internal: analyses one document for export.",
                                                        shouldDisplay: false)
        @Option var cpuSeconds: Int
        @Option var memoryBytes: Int

        func run() throws {
            guard Self.confine(cpuSeconds: cpuSeconds, memoryBytes: memoryBytes) else { Foundation.exit(70) }
            var request = Self.readAll(from: 0)
            let answer = DocumentAnalysis.respond(to: request)
            request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
            guard Self.writeAll(answer, to: 1) else { Foundation.exit(74) }
            Foundation.exit(0)
        }

        /// Processor seconds (soft: SIGXCPU; hard a second later: SIGKILL), address space, no core file, killed
        /// with the parent, no new privileges. Refuses to go on if a limit cannot be set.
        static func confine(cpuSeconds: Int, memoryBytes: Int) -> Bool {
            var core = rlimit(rlim_cur: 0, rlim_max: 0)
            var cpu = rlimit(rlim_cur: rlim_t(max(1, cpuSeconds)), rlim_max: rlim_t(max(1, cpuSeconds) + 1))
            var memory = rlimit(rlim_cur: rlim_t(max(1, memoryBytes)), rlim_max: rlim_t(max(1, memoryBytes)))
            return setrlimit(Int32(RLIMIT_CORE.rawValue), &core) == 0
                && setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu) == 0
                && setrlimit(Int32(RLIMIT_AS.rawValue), &memory) == 0
                && CProcessShims_confineChild() == 0
        }

        static func readAll(from fd: Int32) -> [UInt8] {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 { bytes += chunk[0..<count]; continue }
                if count < 0 && errno == EINTR { continue }
                break
            }
            chunk.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
            return bytes
        }

        static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return false }
                }
                return true
            }
        }
    }
}
