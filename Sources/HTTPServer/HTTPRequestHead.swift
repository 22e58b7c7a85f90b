/// Request limits; each is a server flag. Past them: 414/431 (head), 413 (body).
public struct HTTPLimits: Sendable, Hashable {
    /// Request line plus headers, counting every CRLF up to and including the blank line.
    public var maxHeadBytes: Int
    public var maxBodyBytes: Int
    public var maxHeaderCount: Int

    public init(maxHeadBytes: Int = 16 * 1024, maxBodyBytes: Int = 256 * 1024, maxHeaderCount: Int = 100) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderCount = maxHeaderCount
    }
}

public enum HTTPMethod: Sendable, Hashable {
    case get, head, post, put, delete, options, patch, trace, connect, other
}

/// A header field as offsets into the request bytes; `value` excludes surrounding whitespace.
public struct HTTPHeader: Sendable, Hashable {
    public let name: Range<Int>
    public let value: Range<Int>
}

/// The parsed request line and the framing facts of a request; ranges index the parsed buffer.
public struct HTTPRequestHead: Sendable, Hashable {
    public var method: HTTPMethod = .other
    /// The raw request-target.
    public var target: Range<Int> = 0..<0
    /// The path part of the target (up to `?`).
    public var path: Range<Int> = 0..<0
    /// After `?`, without it; `nil` when the target has none.
    public var query: Range<Int>?
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion = 1
    public var keepAlive = true
    public var contentLength = 0
    public var body: Range<Int> = 0..<0
    public var expectsContinue = false

    public init() {}
}
