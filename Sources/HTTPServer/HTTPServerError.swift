/// Why the server could not start (bind, listen, epoll); carries the OS error text.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case resolve, socket, bind, listen, epoll, thread
    }
    private let kind: Kind
    private let detail: String

    private init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    static func resolve(_ detail: String) -> HTTPServerError { .init(.resolve, detail) }
    static func socket(_ detail: String) -> HTTPServerError { .init(.socket, detail) }
    static func bind(_ detail: String) -> HTTPServerError { .init(.bind, detail) }
    static func listen(_ detail: String) -> HTTPServerError { .init(.listen, detail) }
    static func epoll(_ detail: String) -> HTTPServerError { .init(.epoll, detail) }
    static func thread(_ detail: String) -> HTTPServerError { .init(.thread, detail) }

    public var description: String {
        switch kind {
        case .resolve: return "cannot resolve listen address: \(detail)"
        case .socket: return "cannot create socket: \(detail)"
        case .bind: return "cannot bind: \(detail)"
        case .listen: return "cannot listen: \(detail)"
        case .epoll: return "cannot set up epoll: \(detail)"
        case .thread: return "cannot start worker thread: \(detail)"
        }
    }
}
