/// One client connection's state, owned by a single worker. Pooled: a closed connection's buffers are
/// reused by the next client, so connection churn does not churn the allocator.
final class Connection {
    var fd: Int32 = -1
    let input: ReadBuffer
    /// Answers not yet sent; `output[sent...]` is pending.
    var output: [UInt8] = []
    var sent = 0
    var parser: HTTPRequestParser

    /// Edge-triggered epoll: true until a read/write returns EAGAIN, set again by the next event.
    var readable = true
    var writable = true
    /// EPOLLOUT is in the epoll interest set (only while a send is blocked).
    var wantsWritable = false
    /// The peer sent FIN: answer what is complete, then close.
    var peerClosed = false
    /// The peer's FIN was reported (EPOLLRDHUP/EPOLLHUP): read until 0 even after a short read, or
    /// data and FIN arriving together would leave the connection open until a timeout.
    var hangUpReported = false
    /// Send what is pending, then close (an error answer, `Connection: close`, shutdown).
    var closeAfterFlush = false
    /// After our last byte went out: half-closed, draining the peer's input before the final close so
    /// the kernel does not reset the connection and destroy the answer (lingering close).
    var lingering = false
    var lingerDeadline: UInt64 = 0

    /// When the current request's first byte arrived (or the connection was accepted).
    var requestStartedAt: UInt64 = 0
    /// True from accept until the first request is complete: a silent connection is held to the header timeout.
    var awaitingFirstRequest = true
    var acceptedAt: UInt64 = 0
    /// Last time bytes moved in either direction.
    var lastActivity: UInt64 = 0

    init(limits: HTTPLimits) {
        input = ReadBuffer(initialCapacity: 4096, maxCapacity: limits.maxHeadBytes + limits.maxBodyBytes + 4096)
        parser = HTTPRequestParser(limits: limits)
        output.reserveCapacity(4096)
    }

    var pendingOutput: Int { output.count - sent }

    /// Prepares a pooled connection for a new peer.
    func reset(fd: Int32, now: UInt64) {
        self.fd = fd
        input.clear()
        output.removeAll(keepingCapacity: true)
        sent = 0
        parser.reset()
        readable = true
        writable = true
        wantsWritable = false
        peerClosed = false
        hangUpReported = false
        closeAfterFlush = false
        lingering = false
        requestStartedAt = now
        acceptedAt = now
        awaitingFirstRequest = true
        lastActivity = now
    }

    /// Gives back memory a large request made this connection grow, before it returns to the pool.
    func trim() {
        input.shrink(to: 4096)
        if output.capacity > 64 * 1024 { output = []; output.reserveCapacity(4096) }
    }
}
