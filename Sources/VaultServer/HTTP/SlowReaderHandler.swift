import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client stops taking its response (a download read too slowly, or not at all): when the
/// connection's outgoing buffer is full (the channel not writable) for `writeStall`, the client is cut off. Closing
/// the channel makes the route's next write fail, which stops a document stream's producer and frees its worker
/// thread and buffer (DocumentContent); without this a stalled reader held both for as long as its socket stayed open.
///
/// Writability, not a timer per write: the channel turns unwritable when more than its high-water mark (64 KiB) waits
/// for the client and writable again below the low one (32 KiB), so a client reading steadily, however slowly it
/// downloads overall, resets the timer every time it takes 32 KiB; one that takes less than that in `writeStall` is
/// the one cut off. One per connection, on its event loop.
final class SlowReaderHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let writeStall: TimeAmount
    private let logger: Logger
    private let onStall: @Sendable () -> Void
    private var timer: Scheduled<Void>?

    init(writeStall: TimeAmount, logger: Logger, onStall: @escaping @Sendable () -> Void = {}) {
        self.writeStall = writeStall
        self.logger = logger
        self.onStall = onStall
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            cancel()
        } else if timer == nil {
            let (logger, onStall) = (self.logger, self.onStall)
            let address = context.remoteAddress?.ipAddress ?? "unknown"
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: writeStall) { [self] in
                timer = nil
                guard !context.channel.isWritable else { return }
                logger.notice("closing a connection whose client stopped reading its response", metadata: ["address": "\(address)"])
                onStall()
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}
