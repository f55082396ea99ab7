import Foundation

/// Limits on the analysis of one untrusted PDF or image. A file built to stall or exhaust the reader (XObjects
/// that fan out, a stream that inflates to gigabytes, a Type3 glyph that draws itself) is stopped at them.
public struct AnalysisLimits: Sendable, Equatable, Codable {
    /// Wall-clock seconds for one document, from start to answer.
    public var seconds: Double
    /// Address space of the process that reads the document, in bytes.
    public var memoryBytes: Int

    public static let defaultSeconds = 60.0
    public static let defaultMemoryBytes = 2 << 30

    public init(seconds: Double = defaultSeconds, memoryBytes: Int = defaultMemoryBytes) {
        self.seconds = seconds
        self.memoryBytes = memoryBytes
    }

    /// Processor seconds for the reading process: every core may work for the whole wall-clock limit. A
    /// backstop: it stops the reader even if the exporter that waits for it is gone.
    /// Pages read at once: one per core, but each with room for a page and a tesseract engine within the
    /// memory limit (on a many-core machine, one worker per core would not fit in 2 GiB).
    public var workers: Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, memoryBytes / Self.memoryPerWorker))
    }

    public static let memoryPerWorker = 384 << 20

    public var processorSeconds: Int {
        Int(seconds.rounded(.up)) * max(1, ProcessInfo.processInfo.activeProcessorCount) + 1
    }
}

/// The analysis of a document broke one of its limits: it is left out, or the export stops.
public enum AnalysisLimitBreach: Error, Sendable, Equatable, CustomStringConvertible {
    case time(seconds: Double)
    case processorTime(seconds: Int)
    /// The reader stopped without an answer: it crashed, or ran out of its memory limit.
    case stopped(memoryBytes: Int, how: String)
    /// The reading process could not be started at all.
    case notStarted(reason: String)
    /// The reader's answer was larger than any real document's pages, or not well formed.
    case badAnswer(reason: String)

    public var description: String {
        switch self {
        case .time(let seconds): "within \(Self.format(seconds)) s"
        case .processorTime(let seconds): "within \(seconds) s of processor time"
        case .stopped(let bytes, let how):
            "safely: the reader stopped (\(how)), as it does on a file built to crash PDF readers or one that needs more than \(bytes >> 20) MB of memory"
        case .notStarted(let reason): "because the reader could not be started (\(reason))"
        case .badAnswer(let reason): "safely (the reader's answer was refused: \(reason))"
        }
    }

    public static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// Runs the analysis of one PDF or image: `DocumentAnalysis.respond(to:)` (MeetingBundle) on the request, here or in a child
/// process with limits. The rules (what is redacted, what is flagged) stay with the exporter; the runner
/// only moves bytes and enforces limits. Throws `AnalysisLimitBreach` when a limit was broken.
public protocol DocumentAnalysisRunner: Sendable {
    func run(_ request: [UInt8], limits: AnalysisLimits) throws -> [UInt8]
}
