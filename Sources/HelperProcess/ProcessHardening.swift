import CProcessShims
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps key material out of core dumps and files out of other users' reach: the first thing casevault,
/// casevault-pdf and casevault-server do.
public enum ProcessHardening {
    public static func apply() {
        // No core dumps: a crash while unlocked would otherwise write keys and plaintext to disk.
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        // Not dumpable: also stops other processes of this user attaching with ptrace or reading our memory.
        _ = CProcessShims_setNotDumpable()
        // A file-size limit then fails a write with EFBIG (reported, nothing half-written) instead of killing us.
        signal(SIGXFSZ, SIG_IGN)
        // Everything we create is private, whatever the caller's umask.
        umask(0o077)
    }
}
