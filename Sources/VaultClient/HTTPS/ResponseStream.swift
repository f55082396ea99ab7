import Foundation
import NIOCore
import NIOHTTP1

/// The parts of one HTTP response, handed from the event loop to the thread that sent the request (the CLI is
/// synchronous). Memory is bounded: once `highWater` body bytes wait unread, the handler stops asking the socket for
/// more (`wantsMore`), and it asks again when the caller has taken them all (`resume`). A 100 MB download therefore
/// holds a few hundred KB at a time, whatever the speed of the disk or pipe it is written to.
final class ResponseStream: @unchecked Sendable {
    // @unchecked: every stored property below is read and written only while `condition` is locked.
    enum Part: Sendable {
        case head(HTTPResponseHead)
        case body(ByteBuffer)
        case end
        case failed(ClientError)
    }

    static let highWater = 256 * 1024

    private let condition = NSCondition()
    private var parts: [Part] = []
    private var first = 0
    private var buffered = 0
    private var finished = false
    private var resume: (@Sendable () -> Void)?

    /// Called on the event loop. Nothing is kept after the end or a failure (a late close is not news).
    func push(_ part: Part) {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return }
        switch part {
        case .body(let bytes): buffered += bytes.readableBytes
        case .end, .failed: finished = true
        case .head: break
        }
        parts.append(part)
        condition.signal()
    }

    /// Whether the handler may read more from the socket now.
    var wantsMore: Bool {
        condition.lock()
        defer { condition.unlock() }
        return buffered < Self.highWater
    }

    func onDrained(_ body: (@Sendable () -> Void)?) {
        condition.lock()
        resume = body
        condition.unlock()
    }

    /// The next part, or nil when none arrived within `timeout` seconds of waiting (time spent by the caller between
    /// calls, writing to a slow pipe, does not count).
    func next(timeout: TimeInterval) -> Part? {
        condition.lock()
        let deadline = Date().addingTimeInterval(timeout)
        while first == parts.count {
            if !condition.wait(until: deadline) && first == parts.count {
                condition.unlock()
                return nil
            }
        }
        let part = parts[first]
        parts[first] = .end  // drop the reference to the chunk now
        first += 1
        if first == parts.count {
            parts.removeAll(keepingCapacity: true)
            first = 0
        }
        var drained = false
        if case .body(let bytes) = part {
            buffered -= bytes.readableBytes
            drained = buffered == 0
        }
        let resume = drained ? self.resume : nil
        condition.unlock()
        resume?()
        return part
    }
}

/// The last handler of the pipeline: passes response parts to the stream and holds back socket reads while the stream
/// is full (with auto-read on, the channel asks for a read after each one; that request stops here until the caller
/// drains the stream). TLS handshake reads are issued below this handler and are never held back.
final class ResponseHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let stream: ResponseStream
    private let server: String
    private var context: ChannelHandlerContext?
    private var readHeldBack = false

    init(stream: ResponseStream, server: String) {
        self.stream = stream
        self.server = server
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        stream.onDrained { loop.execute { bound.value.resumeReading() } }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        stream.onDrained(nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): stream.push(.head(head))
        case .body(let bytes): stream.push(.body(bytes))
        case .end: stream.push(.end)
        }
    }

    func read(context: ChannelHandlerContext) {
        if stream.wantsMore {
            context.read()
        } else {
            readHeldBack = true
        }
    }

    private func resumeReading() {
        guard readHeldBack, let context else { return }
        readHeldBack = false
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream.push(.failed(TransportErrors.classify(error, server: server)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream.push(.failed(.connectionLost(server: server, reason: "the server closed the connection")))
        stream.onDrained(nil)
        context.fireChannelInactive()
    }
}
