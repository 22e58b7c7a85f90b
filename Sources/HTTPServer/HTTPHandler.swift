/// One parsed request, as views into the connection's buffer: valid only during ``HTTPHandler/handle(_:response:)``.
public struct HTTPRequest {
    public let head: HTTPRequestHead
    /// The request's bytes; every range in `head` indexes into them.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// When the first byte of this request was read (`CLOCK_MONOTONIC`, nanoseconds): budgets start here.
    public let receivedAt: UInt64
    let parser: HTTPRequestParser

    public var path: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[head.path]) }
    public var query: UnsafeBufferPointer<UInt8>? { head.query.map { UnsafeBufferPointer(rebasing: bytes[$0]) } }
    public var body: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[head.body]) }

    /// The first header named `lowercaseName` (compared ASCII-case-insensitively), or `nil`.
    public func header(_ lowercaseName: StaticString) -> UnsafeBufferPointer<UInt8>? {
        parser.headerValue(lowercaseName, in: bytes).map { UnsafeBufferPointer(rebasing: bytes[$0]) }
    }
}

/// What the handler answers. The server owns it per worker and reuses `body`'s storage.
public struct HTTPResponse {
    public var status = 200
    public var contentType: StaticString?
    /// Pre-formatted header lines (`Name: value\r\n`), e.g. `Allow: GET, POST\r\n`.
    public var extraHeaders: StaticString?
    /// The body bytes; cleared (capacity kept) before each request.
    public var body: [UInt8] = []
    /// Close the connection after this answer even if the client would keep it alive.
    public var close = false

    init() { body.reserveCapacity(4096) }

    mutating func reset() {
        status = 200
        contentType = nil
        extraHeaders = nil
        body.removeAll(keepingCapacity: true)
        close = false
    }
}

/// Why the server answered a request itself without calling the handler.
public enum HTTPRejection: Sendable, Hashable {
    /// The bytes were not an acceptable HTTP/1.1 request (the status says which way: 400, 411, 413, ...).
    case invalid(HTTPParseError)
    /// The request did not arrive in full within the header timeout (408).
    case timedOut
    /// The connection limit was reached (503).
    case overloaded
}

/// The application side of the server: one instance per worker thread, so it may keep unsynchronised
/// scratch state (buffers, PCRE2 match data). Everything it shares with other workers must be `Sendable`.
public protocol HTTPHandler: AnyObject {
    /// Fills `response` for `request`. Runs on the worker's thread and must not block.
    func handle(_ request: HTTPRequest, response: inout HTTPResponse)
    /// Told when the server refused a request itself (for metrics and logs; no request bytes are given).
    func didReject(_ rejection: HTTPRejection)
    /// Told when the worker has answered everything that was ready and is about to wait for more
    /// (and once more when it stops): the moment to write out what the handler batched, such as log lines.
    func didServeReady()
}

extension HTTPHandler {
    public func didServeReady() {}
}
