import Dispatch
import Foundation
import VaultCrypto
import VaultStorage

/// A listing in two stages on two cores. The store's reader fills the next batch on the calling thread, inside its
/// read transaction (SQLite's stepping and copying were about half of a 100 000-document listing), while another
/// thread opens the sealed fields of the batch before, applies the kind filter and orders it by name (about a
/// quarter). The caller's body still gets every batch on the calling thread, in order, and at most two batches are
/// in flight, so memory stays as it was.
final class ListingPipeline {
    /// A batch as the reader hands it over: its rows, and per row the key that opens it (-1: not shown).
    struct Batch: Sendable {
        let rows: DocumentListRows
        let keys: [SecureBytes]
        let keyIndex: [Int32]
        let caseIDs: [String]
        let caseIndex: [Int32]
    }

    private final class InFlight: @unchecked Sendable {
        // @unchecked: the worker writes `result` once, before signalling `done`; the calling thread reads it only after
        // waiting on `done`.
        var result: Result<ListedDocuments, any Error>?
        let done = DispatchSemaphore(value: 0)
    }

    private let kinds: [[UInt8]]
    private let dateSource: Bool
    private let slices: Int?
    /// The batch being opened, not yet handed to the body (touched only by the calling thread).
    private var inFlight: InFlight?

    /// `slices`: parts each batch is opened in (nil: one per core, one below 2 000 rows).
    init(kinds: [[UInt8]], dateSource: Bool, slices: Int?) {
        self.kinds = kinds
        self.dateSource = dateSource
        self.slices = slices
    }

    /// Starts opening `batch` on another thread, then hands the batch before it (if any) to `body`.
    func submit(_ batch: Batch, then body: (ListedDocuments) throws -> Void) throws {
        let previous = inFlight
        let next = InFlight()
        // Opened on every core still (DocumentListOpening's default): the reader is often done first (a case of one
        // date is one batch, as a batch never splits a date and case), and a slice waiting for a core costs nothing.
        let (kinds, dateSource, slices) = (kinds, dateSource, slices)
        DispatchQueue.global(qos: .userInitiated).async {
            next.result = Result { try Self.open(batch, kinds: kinds, dateSource: dateSource, slices: slices) }
            next.done.signal()
        }
        inFlight = next
        if let previous { try body(try Self.wait(previous)) }
    }

    /// Hands the last batch to `body`.
    func finish(_ body: (ListedDocuments) throws -> Void) throws {
        guard let last = inFlight else { return }
        inFlight = nil
        try body(try Self.wait(last))
    }

    /// Waits for a batch still being opened when the listing stopped early (an error), so no work outlives the call.
    func drain() {
        guard let last = inFlight else { return }
        inFlight = nil
        last.done.wait()
    }

    private static func wait(_ batch: InFlight) throws -> ListedDocuments {
        batch.done.wait()
        guard let result = batch.result else { throw VaultError.invalidInput("a batch of the listing was not opened") }
        return try result.get()
    }

    /// One batch: sealed fields opened, the kind filter applied to the opened kind, and each group of one date and
    /// case ordered by name, then id.
    static func open(_ batch: Batch, kinds: [[UInt8]], dateSource: Bool, slices: Int?) throws -> ListedDocuments {
        let opened = try DocumentListOpening.open(batch.rows, keys: batch.keys, keyIndex: batch.keyIndex, dateSource: dateSource,
                                                  slices: slices)
        var listed = ListedDocuments(rows: batch.rows, opened: opened, caseIDs: batch.caseIDs, caseIndex: batch.caseIndex)
        let shown = (0..<batch.rows.count).filter { row in
            guard batch.caseIndex[row] >= 0 else { return false }
            return kinds.isEmpty || listed.withKind(row) { kind in kinds.contains { $0.elementsEqual(kind) } }
        }
        listed.order = shown.map(Int32.init)
        listed.sortGroupsByName()
        return listed
    }
}
