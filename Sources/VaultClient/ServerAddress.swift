import Foundation

/// A team server's address: always `https://host[:port]`, normalised so that the session file and `--server` compare
/// equal however the person typed it. Plain HTTP is refused: identity files and passphrases travel in a login.
public struct ServerAddress: Equatable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw ClientError.invalidServerAddress(text, reason: "write it as https://host or https://host:port")
        }
        guard scheme == "https" else {
            throw ClientError.invalidServerAddress(text, reason: "only https:// is allowed (the login carries your identity file and passphrase)")
        }
        guard var host = components.host?.lowercased(), !host.isEmpty else {
            throw ClientError.invalidServerAddress(text, reason: "it names no host")
        }
        guard components.user == nil, components.password == nil, components.query == nil, components.fragment == nil,
              components.path.isEmpty || components.path == "/" else {
            throw ClientError.invalidServerAddress(text, reason: "give only https://host:port, without a path, a query or a user name")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 443
        guard (1...65535).contains(port) else { throw ClientError.invalidServerAddress(text, reason: "the port must be 1 to 65535") }
        self.host = host
        self.port = port
    }

    /// An IP literal is checked against the certificate's IP addresses and sends no SNI name (TLS forbids it).
    var isIPAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// The `Host` header's value.
    var authority: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port == 443 ? shown : "\(shown):\(port)"
    }

    public var description: String { "https://\(authority)" }
}
