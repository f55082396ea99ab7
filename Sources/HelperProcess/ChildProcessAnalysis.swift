import BundleModel
import CProcessShims
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the analysis of each untrusted PDF or image in `casevault-pdf __analyse`, a child process with limits:
/// the document goes to it over a pipe, the pages come back over another. The wall-clock limit is kept here:
/// when it passes, the child is killed (SIGKILL) and reaped, and the document is reported by id.
public struct ChildProcessAnalysis: DocumentAnalysisRunner {
    /// The helper's path (`HelperProgram.locate`, or the helper's own when it analyses for a bundle).
    public let program: String

    public init(program: String) {
        self.program = program
    }

    /// The largest answer believed: far more than a real document's pages at the bundle's resolution.
    static let maximumAnswerBytes = 6 << 30
    /// Passed through to the child (fonts, locale, tesseract's data); nothing else of ours, no passphrase.
    public static let inheritedEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TESSDATA_PREFIX", "LD_LIBRARY_PATH",
                                       "FONTCONFIG_FILE", "FONTCONFIG_PATH", "XDG_CACHE_HOME", "XDG_DATA_DIRS"]

    public func run(_ request: [UInt8], limits: AnalysisLimits) throws -> [UInt8] {
        try run(request, limits: limits, command: "__analyse")
    }

    /// `command`: the internal command the child runs (`__analyse`, or `__pdftext` for ingest's dates and search),
    /// with `options` after the limits.
    public func run(_ request: [UInt8], limits: AnalysisLimits, command: String, options: [String] = []) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(limits.seconds)
        let arguments = ["casevault-pdf", command, "--cpu-seconds", String(limits.processorSeconds), "--memory-bytes", String(limits.memoryBytes)] + options
        // Fewer malloc arenas: each reserves 64 MiB of address space, which counts against the memory limit.
        var exchange = try Self.spawn(program, arguments: arguments, environment: ["MALLOC_ARENA_MAX=2"])
        defer { exchange.close() }
        do {
            try exchange.transfer(request, until: deadline, limit: Self.maximumAnswerBytes)
            let status = try exchange.reap(until: deadline)
            return try Self.interpret(status, answer: &exchange.answer, limits: limits)
        } catch let breach as AnalysisLimitBreach {
            exchange.answer.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
            throw breach
        } catch ExchangeEnd.deadline {
            exchange.kill()
            throw AnalysisLimitBreach.time(seconds: limits.seconds)
        } catch ExchangeEnd.tooLarge {
            exchange.kill()
            throw AnalysisLimitBreach.badAnswer(reason: "larger than \(Self.maximumAnswerBytes >> 30) GiB")
        }
    }

    private static func interpret(_ status: Int32, answer: inout [UInt8], limits: AnalysisLimits) throws -> [UInt8] {
        let signalled = status & 0x7f
        if signalled == 0 {
            let code = (status >> 8) & 0xff
            if code == 0 { return answer }
            answer.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
            throw AnalysisLimitBreach.stopped(memoryBytes: limits.memoryBytes, how: "exit status \(code)")
        }
        answer.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
        // SIGXCPU at the soft processor limit, SIGKILL (not ours: we had not killed it) at the hard one.
        if signalled == SIGXCPU || signalled == SIGKILL { throw AnalysisLimitBreach.processorTime(seconds: limits.processorSeconds) }
        let name = strsignal(signalled).map { String(cString: $0) } ?? "signal \(signalled)"
        throw AnalysisLimitBreach.stopped(memoryBytes: limits.memoryBytes, how: name.lowercased())
    }

    /// Runs `command` of the helper without limits on time or memory (`__bundle`: the helper's own analysis
    /// children carry the limits): `request` in, the answer out once the helper has exited with status 0.
    /// `passing` names variables of our environment it also needs (CASEVAULT_OCR).
    public func runUnlimited(_ request: [UInt8], command: String, passing: [String]) throws -> [UInt8] {
        let own = ProcessInfo.processInfo.environment
        var exchange: Exchange
        do {
            exchange = try Self.spawn(program, arguments: ["casevault-pdf", command], environment: passing.compactMap { name in own[name].map { "\(name)=\($0)" } })
        } catch let error as AnalysisLimitBreach {
            throw BundleJobFailure.failed("casevault-pdf could not be started: \(error)")
        }
        defer { exchange.close() }
        do {
            try exchange.transfer(request, until: .distantFuture, limit: Self.maximumAnswerBytes)
            let status = try exchange.reap(until: .distantFuture)
            guard status == 0 else {
                exchange.answer.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
                let signalled = status & 0x7f
                let how = signalled == 0 ? "exit status \((status >> 8) & 0xff)" : strsignal(signalled).map { String(cString: $0).lowercased() } ?? "signal \(signalled)"
                throw BundleJobFailure.failed("casevault-pdf stopped: \(how)")
            }
            return exchange.answer
        } catch ExchangeEnd.tooLarge {
            exchange.kill()
            throw BundleJobFailure.failed("casevault-pdf's answer was larger than \(Self.maximumAnswerBytes >> 30) GiB")
        } catch ExchangeEnd.deadline {
            exchange.kill()
            throw BundleJobFailure.failed("casevault-pdf's answer could not be read")
        }
    }

    /// Starts `program` on two pipes, with the inherited part of our environment and `environment` added.
    private static func spawn(_ program: String, arguments: [String], environment extra: [String]) throws -> Exchange {
        // A child that dies while we write to it must not kill us with SIGPIPE: the write fails instead.
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment.filter { Self.inheritedEnvironment.contains($0.key) }.map { "\($0.key)=\($0.value)" } + extra
        var pid: pid_t = 0, toChild: Int32 = -1, fromChild: Int32 = -1
        let rc = Self.withCStrings(arguments) { argv in
            Self.withCStrings(environment) { envp in
                CProcessShims_spawnPiped(program, argv, envp, &pid, &toChild, &fromChild)
            }
        }
        guard rc == 0 else { throw AnalysisLimitBreach.notStarted(reason: String(cString: strerror(rc))) }
        return Exchange(pid: pid, toChild: toChild, fromChild: fromChild)
    }

    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}

private enum ExchangeEnd: Error { case deadline, tooLarge }

/// The pipes to one child and its pid, driven by poll(2) from this thread alone: the request is written while
/// the answer is read, so neither side blocks on a full pipe.
private struct Exchange {
    let pid: pid_t
    var toChild: Int32
    var fromChild: Int32
    var answer: [UInt8] = []
    var reaped = false

    init(pid: pid_t, toChild: Int32, fromChild: Int32) {
        self.pid = pid
        self.toChild = toChild
        self.fromChild = fromChild
        _ = fcntl(toChild, F_SETFL, fcntl(toChild, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fromChild, F_SETFL, fcntl(fromChild, F_GETFL) | O_NONBLOCK)
    }

    mutating func transfer(_ request: [UInt8], until deadline: Date, limit: Int) throws {
        var written = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        defer { chunk.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } } }
        if request.isEmpty { closeInput() }
        while fromChild >= 0 {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw ExchangeEnd.deadline }
            var fds = [pollfd(fd: fromChild, events: Int16(POLLIN), revents: 0)]
            if toChild >= 0 { fds.append(pollfd(fd: toChild, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000 + 1, 60_000)))
            if ready < 0 && errno != EINTR { throw ExchangeEnd.deadline }
            guard ready > 0 else { continue }
            if fds.count > 1, fds[1].revents != 0 {
                let count = request.withUnsafeBytes { Glibc.write(toChild, $0.baseAddress! + written, min($0.count - written, 1 << 20)) }
                if count > 0 { written += count }
                // The child stopped reading (it died, or answered early): its exit status tells why.
                if count < 0 && errno != EAGAIN && errno != EINTR { closeInput() }
                if written == request.count { closeInput() }
            }
            if fds[0].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(fromChild, $0.baseAddress, $0.count) }
                if count > 0 {
                    answer += chunk[0..<count]
                    if answer.count > limit { throw ExchangeEnd.tooLarge }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    Glibc.close(fromChild)
                    fromChild = -1
                }
            }
        }
        closeInput()
    }

    /// The child's wait status, once it has exited; it may not linger past the deadline.
    mutating func reap(until deadline: Date) throws -> Int32 {
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { reaped = true; return status }
            if done < 0 && errno != EINTR { reaped = true; return 0x7f00 }
            guard deadline.timeIntervalSinceNow > 0 else { throw ExchangeEnd.deadline }
            usleep(2_000)
        }
    }

    mutating func kill() {
        guard !reaped else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
    }

    private mutating func closeInput() {
        if toChild >= 0 { Glibc.close(toChild); toChild = -1 }
    }

    mutating func close() {
        closeInput()
        if fromChild >= 0 { Glibc.close(fromChild); fromChild = -1 }
        kill()
    }
}
