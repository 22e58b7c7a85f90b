/// Everything the server needs to listen and to protect itself; each limit has a sane default.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Worker threads, each with its own epoll loop and `SO_REUSEPORT` listener.
    public var workers: Int
    /// Request line + headers, body and header-count limits (413/414/431 when exceeded).
    public var limits: HTTPLimits
    /// Open connections across all workers; past it a new connection gets a 503 and is closed.
    public var maxConnections: Int
    /// Time to receive a whole request (head and body) once its first byte arrived, or the first
    /// request once the connection was accepted. Slow clients are answered 408 and cut off.
    public var headerTimeoutMilliseconds: Int
    /// A keep-alive connection with no request in progress is closed after this long, as is one
    /// whose peer stops reading our answers.
    public var idleTimeoutMilliseconds: Int
    /// On shutdown, connections with a request in flight get this long to finish.
    public var shutdownGraceMilliseconds: Int
    public var backlog: Int32

    public init(host: String = "127.0.0.1", port: Int = 8080, workers: Int = 0, limits: HTTPLimits = HTTPLimits(),
                maxConnections: Int = 10_000, headerTimeoutMilliseconds: Int = 5_000,
                idleTimeoutMilliseconds: Int = 60_000, shutdownGraceMilliseconds: Int = 5_000, backlog: Int32 = 1024) {
        self.host = host
        self.port = port
        self.workers = workers
        self.limits = limits
        self.maxConnections = maxConnections
        self.headerTimeoutMilliseconds = headerTimeoutMilliseconds
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.shutdownGraceMilliseconds = shutdownGraceMilliseconds
        self.backlog = backlog
    }
}
