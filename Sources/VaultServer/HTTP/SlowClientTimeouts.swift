import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client sends too slowly, so a few clients dribbling bytes (slowloris) cannot hold every
/// connection the server has: a new connection must deliver its first request's head (TLS handshake included) within
/// `headerRead`, and a request's body may pause at most `bodyRead` between pieces. Between requests on a kept-alive
/// connection Hummingbird's idle timeout applies (`timeouts.idle_seconds`), which also bounds a later request's head.
/// One per connection, on its event loop, after the HTTP decoder (so it sees request parts, not bytes: a head that
/// never completes shows as no part at all, which is exactly what the header timer waits for).
final class SlowClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let headerRead: TimeAmount
    private let bodyRead: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var sawFirstHead = false

    init(headerRead: TimeAmount, bodyRead: TimeAmount, logger: Logger) {
        self.headerRead = headerRead
        self.bodyRead = bodyRead
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHeaderTimer(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startHeaderTimer(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            sawFirstHead = true
            arm(context, after: bodyRead, what: "request body")
        case .body:
            arm(context, after: bodyRead, what: "request body")
        case .end:
            cancel()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func startHeaderTimer(_ context: ChannelHandlerContext) {
        guard !sawFirstHead, timer == nil else { return }
        arm(context, after: headerRead, what: "request head")
    }

    private func arm(_ context: ChannelHandlerContext, after delay: TimeAmount, what: String) {
        cancel()
        let logger = self.logger
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            timer = nil
            logger.notice("closing a connection whose client sent its \(what) too slowly", metadata: ["address": "\(address)"])
            context.close(promise: nil)
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
    }
}
