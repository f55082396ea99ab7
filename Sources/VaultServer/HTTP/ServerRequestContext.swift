import Hummingbird
import NIOCore

/// Each request's context: Hummingbird's, plus the client's address (login failures are counted per address).
struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The API's bodies are small JSON (a login carries an identity file of about 1 KB).
    var maxUploadSize: Int { 256 * 1024 }

    /// The address without the port: one client's connections share it.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
