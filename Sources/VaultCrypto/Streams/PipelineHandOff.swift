import Foundation

/// A fixed allocation passed between the threads of an `OverlappedPipeline`.
///
/// @unchecked Sendable: exactly one thread owns a buffer at any time. Ownership passes only through
/// `PipelineHandOff.put`/`take`, which run under one lock, so everything the last owner wrote happens
/// before the next owner reads; once the pipeline's threads are joined, the thread that made it owns them all.
final class PipelineBuffer: @unchecked Sendable {
    /// Page-aligned, so reads land on whole pages.
    static let alignment = 4096
    let storage: UnsafeMutableRawBufferPointer
    var count = 0
    /// How far the buffer was ever written: wiping covers every byte that held data, and no more.
    private var used = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: Self.alignment)
    }

    var room: Int { storage.count - count }
    var filled: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// Marks the first `n` bytes as data (after a read straight into `storage`).
    func setFilled(_ n: Int) {
        count = n
        used = max(used, n)
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        UnsafeMutableRawBufferPointer(rebasing: storage[count..<(count + bytes.count)]).copyMemory(from: bytes)
        setFilled(count + bytes.count)
    }

    /// Wipes what it held (plaintext passes through these buffers) and frees it.
    func release() {
        secureZero(UnsafeMutableRawBufferPointer(rebasing: storage[0..<used]))
        storage.deallocate()
    }
}

/// The four queues between the stages of an `OverlappedPipeline`: empty and full buffers on each side of the
/// middle stage. Buffers only circulate, never grow in number, so memory stays what the pipeline allocated.
enum PipelineLane: Int, CaseIterable {
    case emptyInput, fullInput, emptyOutput, fullOutput
}

/// A lock and condition shared by threads that hand work to each other, and the first failure among them: a failure
/// wakes every waiter, each of which then stops.
///
/// @unchecked Sendable: `failure` (and a subclass's state) is read and written only while `condition` is locked.
public class StageCoordination: @unchecked Sendable {
    /// Thrown to a stage because another stage failed: it stops, and the first stage's error is the one reported.
    struct Stopped: Error {}

    let condition = NSCondition()
    var failure: (any Error)?

    /// Stops every stage; the first error wins.
    func fail(_ error: any Error) {
        condition.lock()
        defer { condition.unlock() }
        if failure == nil { failure = error }
        condition.broadcast()
    }

    var firstFailure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }
}

/// The queues between the stages of an `OverlappedPipeline`.
///
/// @unchecked Sendable: every stored property is read and written only while `condition` is locked.
final class PipelineHandOff: StageCoordination, @unchecked Sendable {
    private var lanes: [[PipelineBuffer]] = Array(repeating: [], count: PipelineLane.allCases.count)
    private var closed: [Bool] = Array(repeating: false, count: PipelineLane.allCases.count)

    init(emptyInputs: [PipelineBuffer], emptyOutputs: [PipelineBuffer]) {
        super.init()
        lanes[PipelineLane.emptyInput.rawValue] = emptyInputs
        lanes[PipelineLane.emptyOutput.rawValue] = emptyOutputs
    }

    func put(_ buffer: PipelineBuffer, _ lane: PipelineLane) throws {
        condition.lock()
        defer { condition.unlock() }
        guard failure == nil else { throw Stopped() }
        lanes[lane.rawValue].append(buffer)
        condition.broadcast()
    }

    /// The oldest buffer in `lane`, waiting while it is empty; nil once the lane is closed and empty.
    func take(_ lane: PipelineLane) throws -> PipelineBuffer? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard failure == nil else { throw Stopped() }
            if !lanes[lane.rawValue].isEmpty { return lanes[lane.rawValue].removeFirst() }
            if closed[lane.rawValue] { return nil }
            condition.wait()
        }
    }

    /// No more buffers will come down `lane`.
    func close(_ lane: PipelineLane) {
        condition.lock()
        defer { condition.unlock() }
        closed[lane.rawValue] = true
        condition.broadcast()
    }
}

/// What a stage thread measured, handed to the calling thread.
///
/// @unchecked Sendable: written once by the stage's thread before it signals its semaphore, read by the
/// calling thread only after waiting on that semaphore, which orders the write before the read.
final class StageResult<Value: Sendable>: @unchecked Sendable {
    var value: Value?
}
