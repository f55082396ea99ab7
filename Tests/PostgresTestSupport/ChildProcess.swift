import Foundation

/// Runs a program to its end for a test: posix_spawn, the three pipes served by one poll loop, and waitpid. Not
/// Foundation's Process: under load its `waitUntilExit` sometimes never saw a child that had exited (its output read
/// to the end, the process gone), and the test hung until CI's time ran out (ServerAPITests, 2026-12-07).
public enum ChildProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: Data
        /// Ended by a signal (a crash, or the timeout's kill); `status` is then the signal's number, as Process gives it.
        public let signalled: Bool
    }

    /// `environment`: the child's whole environment. `timeout`: the child is killed (SIGKILL) once it has run this long.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, stdin: Data? = nil, timeout: TimeInterval? = nil) throws -> Result {
        // A child that stops reading its input must not end the test process with SIGPIPE (the write fails instead).
        signal(SIGPIPE, SIG_IGN)
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        for index in 0..<3 {
            var pair: [Int32] = [0, 0]
            guard pipe(&pair) == 0 else { throw failure("cannot make a pipe") }
            // No end may leak into other children started meanwhile by other threads of the test.
            for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            if index == 0 { input = pair } else if index == 1 { output = pair } else { errors = pair }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        if let directory {
            guard let addChdir = Self.addChdir else { throw failure("this C library cannot start a child in another folder") }
            _ = addChdir(&actions, directory)
        }
        let argv = [program] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var cEnvironment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cEnvironment.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, &cArguments, &cEnvironment)
        for fd in [input[0], output[1], errors[1]] { close(fd) }
        guard spawned == 0 else {
            for fd in [input[1], output[0], errors[0]] { close(fd) }
            throw failure("cannot start \(program) (error \(spawned))")
        }
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var killed = false
        var stdout = Data(), stderr = Data()
        let pending = stdin ?? Data()
        var written = 0
        var writer: Int32 = input[1]
        if pending.isEmpty { close(writer); writer = -1 } else { _ = fcntl(writer, F_SETFL, fcntl(writer, F_GETFL) | O_NONBLOCK) }
        var readers: [Int32] = [output[0], errors[0]]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !readers.isEmpty || writer >= 0 {
            var fds = readers.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writer >= 0 { fds.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            let wait = deadline.map { killed ? 1000 : max(0, min(1000, Int32($0.timeIntervalSinceNow * 1000))) } ?? 1000
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0 && errno != EINTR { break }
            if let deadline, !killed, Date() >= deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == writer {
                    let count = pending.withUnsafeBytes { write(writer, $0.baseAddress! + written, pending.count - written) }
                    if count > 0 { written += count }
                    if count < 0 && errno != EAGAIN && errno != EINTR || written == pending.count {
                        close(writer)
                        writer = -1
                    }
                    continue
                }
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == output[0] { stdout.append(contentsOf: buffer[0..<count]) } else { stderr.append(contentsOf: buffer[0..<count]) }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    readers.removeAll { $0 == entry.fd }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFSIGNALED, WTERMSIG and WEXITSTATUS by hand (macros Swift does not import).
        let signal = status & 0x7F
        let signalled = signal != 0 && signal != 0x7F
        return Result(status: signalled ? signal : (status >> 8) & 0xFF, stdout: stdout, stderr: stderr, signalled: signalled)
    }

    /// glibc's posix_spawn_file_actions_addchdir_np (2.29 and later), which Swift does not import (it needs
    /// _GNU_SOURCE); looked up by name.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addChdir: AddChdir? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }

    /// `run` on a Dispatch thread, for async tests: off Swift's cooperative threads (two on this machine), which an
    /// in-process server's handlers need while the child runs.
    public static func runDetached(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                                   directory: String? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try run(program, arguments, environment: environment, directory: directory) })
            }
        }
    }

    private static func failure(_ text: String) -> NSError {
        NSError(domain: "ChildProcess", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: text])
    }
}
