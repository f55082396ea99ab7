import Foundation

/// A test class's one world (its tests run in one process, and under `--parallel` each in its own): made, prepared
/// and started on first use, stopped when the class's tests end.
final class SharedServerWorld: @unchecked Sendable {
    private var world: ServerTestWorld?
    /// Extra set-up of the class's own, before the server starts.
    private let prepare: (ServerTestWorld) throws -> Void

    init(prepare: @escaping (ServerTestWorld) throws -> Void = { _ in }) {
        self.prepare = prepare
    }

    func get() async throws -> ServerTestWorld {
        if let world { return world }
        let made = try ServerTestWorld()
        try prepare(made)
        try await made.start()
        world = made
        return made
    }

    /// For `override class func tearDown()`: XCTest's class tear-down is synchronous, the server's stop is not.
    func stop() {
        guard let world else { return }
        let done = DispatchSemaphore(value: 0)
        Task { await world.stop(); done.signal() }
        done.wait()
        self.world = nil
    }
}
