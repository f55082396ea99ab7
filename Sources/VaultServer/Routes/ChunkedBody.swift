import Foundation
import Hummingbird
import Logging
import NIOCore

extension VaultServer {
    /// A body already in memory (a bundle's PDF, which `casevault-pdf` hands back whole and the manifest signs whole),
    /// written 64 KB at a time: no second copy of the whole file in one ByteBuffer, and a client that leaves part-way
    /// is counted and logged as a cut document download is (`casevault_document_streams_abandoned_total`).
    static func chunkedBody(_ bytes: [UInt8], metrics: ServerMetrics, logger: Logger, subject: String) -> ResponseBody {
        ResponseBody(contentLength: bytes.count) { writer in
            let size = 64 * 1024
            do {
                for start in stride(from: 0, to: bytes.count, by: size) {
                    try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
                }
            } catch {
                metrics.streamAbandoned()
                logger.notice("download ended early: \(String(describing: error))", metadata: ["subject": "\(subject)"])
                throw error
            }
            try await writer.finish(nil)
        }
    }
}
