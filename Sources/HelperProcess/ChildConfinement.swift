import CProcessShims
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The child's side of `ChildProcessAnalysis`: limits set before the first byte of the document is read, the
/// request read whole from stdin, the answer written whole to stdout.
public enum ChildConfinement {
    /// Processor seconds (soft: SIGXCPU; hard a second later: SIGKILL), address space, no core file, killed
    /// with the parent, no new privileges. Refuses to go on if a limit cannot be set.
    public static func confine(cpuSeconds: Int, memoryBytes: Int) -> Bool {
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        var cpu = rlimit(rlim_cur: rlim_t(max(1, cpuSeconds)), rlim_max: rlim_t(max(1, cpuSeconds) + 1))
        var memory = rlimit(rlim_cur: rlim_t(max(1, memoryBytes)), rlim_max: rlim_t(max(1, memoryBytes)))
        return setrlimit(Int32(RLIMIT_CORE.rawValue), &core) == 0
            && setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu) == 0
            && setrlimit(Int32(RLIMIT_AS.rawValue), &memory) == 0
            && CProcessShims_confineChild() == 0
    }

    /// For `__bundle`, which handles no untrusted file itself (its analysis children do): no core file, killed
    /// with the parent, no new privileges; no time or memory limit (a bundle of many documents takes long).
    public static func confineBundleMaker() -> Bool {
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        return setrlimit(Int32(RLIMIT_CORE.rawValue), &core) == 0 && CProcessShims_confineChild() == 0
    }

    public static func readAll(from fd: Int32) -> [UInt8] {
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

    public static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
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
