/// Why the server cannot start. Requests never throw these: they answer with a status and a JSON body.
public enum ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    case config(String)
    case vault(String)

    public var description: String {
        switch self {
        case .config(let text), .vault(let text): text
        }
    }
}
