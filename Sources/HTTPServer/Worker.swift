#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// State every worker shares: the stop flag and the connection count (for the limit and metrics).
final class ServerState: Sendable {
    let stopping = Atomic<Bool>(false)
    let openConnections = Atomic<Int>(0)
}

/// One worker: an edge-triggered epoll loop over its own `SO_REUSEPORT` listener and the connections
/// it accepted. Everything in it is touched by its thread only; requests are parsed and answered
/// in place, with no hop to another thread.
final class Worker {
    private let epoll: Int32
    private var listener: Int32
    private let wake: Int32
    private let configuration: HTTPServerConfiguration
    private let state: ServerState
    private let handler: any HTTPHandler

    private var connections: [Connection?] = []
    private var pool: [Connection] = []
    private var response = HTTPResponse()
    private var events = [csystem_event](repeating: csystem_event(), count: 256)
    private var now: UInt64 = 0
    private var lastSweep: UInt64 = 0
    private var dateBytes: [UInt8] = []
    private var dateSecond = -1
    private var stopDeadline: UInt64?
    /// The last accept pass stopped at `acceptBatch` with connections perhaps still queued. The
    /// listener is edge-triggered, so no new event will announce them: the loop polls without
    /// blocking and accepts another batch after serving what is ready.
    private(set) var acceptPending = false

    private static let readInterest = csystem_EPOLLIN | csystem_EPOLLRDHUP | csystem_EPOLLET
    private static let listenerToken = UInt64.max - 1
    private static let wakeToken = UInt64.max - 2
    private static let backPressureBytes = 64 * 1024
    private static let lingerNanoseconds: UInt64 = 2_000_000_000
    private static let sweepNanoseconds: UInt64 = 100_000_000
    private static let poolSize = 256
    /// New connections taken per pass of the loop. Accepting a burst of thousands before serving
    /// the connections already open stalled those by ~25 ms per 1,000 (measured with the
    /// hostile-client flood); between batches, ready requests are answered.
    static let acceptBatch = 64

    init(epoll: Int32, listener: Int32, wake: Int32, configuration: HTTPServerConfiguration, state: ServerState, handler: any HTTPHandler) {
        self.epoll = epoll
        self.listener = listener
        self.wake = wake
        self.configuration = configuration
        self.state = state
        self.handler = handler
        dateBytes.reserveCapacity(32)
    }

    static func monotonicNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Runs until shutdown has finished every connection (or the grace period ran out).
    func run() {
        now = Worker.monotonicNow()
        lastSweep = now
        while true {
            handler.didServeReady()
            let timeout = acceptPending ? 0 : (openCount == 0 && stopDeadline == nil) ? 1000 : 100
            let count = events.withUnsafeMutableBufferPointer { csystem_epoll_wait(epoll, $0.baseAddress, Int32($0.count), Int32(timeout)) }
            now = Worker.monotonicNow()
            if count < 0 && errno != EINTR { break }
            var acceptedThisPass = false
            for i in 0..<max(0, Int(count)) {
                let event = events[i]
                switch event.data {
                case Worker.listenerToken:
                    acceptAll()
                    acceptedThisPass = true
                case Worker.wakeToken: drainWake()
                default:
                    let fd = Int(event.data)
                    guard fd < connections.count, let c = connections[fd] else { continue }
                    if event.events & (csystem_EPOLLIN | csystem_EPOLLRDHUP | csystem_EPOLLHUP | csystem_EPOLLERR) != 0 { c.readable = true }
                    if event.events & (csystem_EPOLLRDHUP | csystem_EPOLLHUP) != 0 { c.hangUpReported = true }
                    if event.events & (csystem_EPOLLOUT | csystem_EPOLLHUP | csystem_EPOLLERR) != 0 { c.writable = true }
                    drive(c)
                }
            }
            // An earlier batch left connections queued: after serving what was ready, the next batch.
            if acceptPending && !acceptedThisPass { acceptAll() }
            if state.stopping.load(ordering: .relaxed) && stopDeadline == nil { beginStop() }
            if now &- lastSweep >= Worker.sweepNanoseconds {
                lastSweep = now
                sweep()
                if listener >= 0 { acceptAll() }  // retry after EMFILE: the edge may not fire again
            }
            if let deadline = stopDeadline, openCount == 0 || now >= deadline { break }
        }
        for case let c? in connections { close(c) }
        handler.didServeReady()
        if listener >= 0 { Glibc.close(listener) }
        Glibc.close(epoll)
    }

    private var openCount = 0

    // MARK: - Accepting

    /// Accepts up to `acceptBatch` connections; `acceptPending` says whether it stopped at the cap.
    func acceptAll() {
        acceptPending = false
        var accepted = 0
        while listener >= 0 {
            if accepted == Worker.acceptBatch {
                acceptPending = true
                return
            }
            accepted += 1
            let fd = csystem_accept_nonblocking(listener)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // EAGAIN, or EMFILE/ENFILE: the sweep retries
            }
            let open = state.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
            if open > configuration.maxConnections {
                state.openConnections.wrappingSubtract(1, ordering: .relaxed)
                refuseOverloaded(fd)
                continue
            }
            Socket.setNoDelay(fd)
            let c = pool.popLast() ?? Connection(limits: configuration.limits)
            c.reset(fd: fd, now: now)
            let slot = Int(fd)
            if slot >= connections.count { connections.append(contentsOf: repeatElement(nil, count: slot - connections.count + 64)) }
            connections[slot] = c
            openCount += 1
            // Readable edges only: EPOLLOUT is added while a send is blocked (see `flush`), or every ACK
            // that frees send-buffer space would wake the worker for nothing.
            if csystem_epoll_ctl(epoll, 1, fd, Worker.readInterest, UInt64(slot)) != 0 {
                close(c)
                continue
            }
            drive(c)
        }
    }

    /// Past the connection limit: a short 503 (best effort, never blocking) and close.
    private func refuseOverloaded(_ fd: Int32) {
        handler.didReject(.overloaded)
        var bytes: [UInt8] = []
        let body: StaticString = "too many connections\n"
        body.withUTF8Buffer { body in
            currentDate().withUnsafeBytes { date in
                HTTPResponseWriter.write(status: 503, contentType: "text/plain; charset=utf-8", extraHeaders: nil,
                                         body: UnsafeRawBufferPointer(body), keepAlive: false, minorVersion: 1,
                                         headOnly: false, date: date, into: &bytes)
            }
        }
        _ = bytes.withUnsafeBytes { Socket.send(fd, $0) }
        Glibc.close(fd)
    }

    private func drainWake() {
        var value: UInt64 = 0
        _ = read(wake, &value, 8)
    }

    // MARK: - Serving a connection

    /// Moves a connection as far as it can go: answer complete requests, send, read more; repeat
    /// until nothing progresses (EAGAIN, back-pressure, or waiting for more bytes).
    private func drive(_ c: Connection) {
        while true {
            var progressed = false
            if c.lingering {
                lingerRead(c)
                return
            }
            var waitingForBytes = c.input.isEmpty
            while !c.closeAfterFlush && c.pendingOutput < Worker.backPressureBytes && !c.input.isEmpty {
                if !answerNext(c) { waitingForBytes = true; break }
                progressed = true
                waitingForBytes = c.input.isEmpty
            }
            if c.pendingOutput > 0 && c.writable {
                guard flush(c) else { close(c); return }
            }
            if c.pendingOutput == 0 && c.closeAfterFlush {
                startLingering(c)
                return
            }
            if c.peerClosed && waitingForBytes && c.pendingOutput == 0 {
                close(c)
                return
            }
            if c.readable && !c.peerClosed && !c.closeAfterFlush && c.pendingOutput < Worker.backPressureBytes {
                let room = c.input.prepareForRead()
                guard room.count > 0 else { close(c); return }  // cannot happen within the limits
                let n = read(c.fd, room.baseAddress, room.count)
                if n > 0 {
                    if c.input.isEmpty { c.requestStartedAt = now }
                    c.input.didRead(n)
                    c.lastActivity = now
                    progressed = true
                    // A short read drained the socket: skip the read that would only say EAGAIN.
                    // Bytes arriving later raise a new edge; a FIN already reported raises none.
                    if n < room.count && !c.hangUpReported { c.readable = false }
                } else if n == 0 {
                    c.peerClosed = true
                    progressed = true
                } else if errno == EAGAIN || errno == EWOULDBLOCK {
                    c.readable = false
                } else if errno != EINTR {
                    close(c)
                    return
                }
            }
            if !progressed { return }
        }
    }

    /// Parses and answers the next buffered request. False when it needs more bytes.
    private func answerNext(_ c: Connection) -> Bool {
        let bytes = c.input.readable
        switch c.parser.parse(bytes) {
        case .needMore:
            return false
        case .expectContinue:
            // The client waits for this before sending the body; parsing resumes as bytes arrive.
            c.output.append(contentsOf: HTTPResponseWriter.continueResponse)
            return true
        case .invalid(let error):
            handler.didReject(.invalid(error))
            writeError(c, status: error.status, reason: error.description)
            return true
        case .complete(let length):
            let head = c.parser.head
            let request = HTTPRequest(head: head, bytes: UnsafeBufferPointer(rebasing: bytes[0..<length]),
                                      receivedAt: c.requestStartedAt, parser: c.parser)
            response.reset()
            handler.handle(request, response: &response)
            let stopping = stopDeadline != nil
            let keepAlive = head.keepAlive && !response.close && !stopping
            response.body.withUnsafeBytes { body in
                currentDate().withUnsafeBytes { date in
                    HTTPResponseWriter.write(status: response.status, contentType: response.contentType,
                                             extraHeaders: response.extraHeaders, body: body, keepAlive: keepAlive,
                                             minorVersion: head.minorVersion, headOnly: head.method == .head,
                                             date: date, into: &c.output)
                }
            }
            c.input.consume(length)
            c.awaitingFirstRequest = false
            c.requestStartedAt = now
            if !keepAlive { c.closeAfterFlush = true }
            return true
        }
    }

    /// A refusal the server makes itself: a short text body, `Connection: close`.
    private func writeError(_ c: Connection, status: Int, reason: String) {
        var body = Array(reason.utf8)
        body.append(0x0A)
        body.withUnsafeBytes { body in
            currentDate().withUnsafeBytes { date in
                HTTPResponseWriter.write(status: status, contentType: "text/plain; charset=utf-8", extraHeaders: nil,
                                         body: body, keepAlive: false, minorVersion: 1, headOnly: false, date: date, into: &c.output)
            }
        }
        c.closeAfterFlush = true
    }

    /// Sends pending output. False on a broken connection.
    /// Sends pending output. False on a broken connection. A blocked send (the peer reads slowly)
    /// asks epoll for writable edges until the backlog is gone.
    private func flush(_ c: Connection) -> Bool {
        while c.pendingOutput > 0 {
            let n = c.output.withUnsafeBytes { Socket.send(c.fd, UnsafeRawBufferPointer(rebasing: $0[c.sent...])) }
            if n < 0 { return false }
            if n == 0 {
                c.writable = false
                if !c.wantsWritable {
                    c.wantsWritable = true
                    _ = csystem_epoll_ctl(epoll, 3, c.fd, Worker.readInterest | csystem_EPOLLOUT, UInt64(c.fd))
                }
                return true
            }
            c.sent += n
            c.lastActivity = now
        }
        c.output.removeAll(keepingCapacity: true)
        c.sent = 0
        if c.wantsWritable {
            c.wantsWritable = false
            _ = csystem_epoll_ctl(epoll, 3, c.fd, Worker.readInterest, UInt64(c.fd))
        }
        return true
    }

    // MARK: - Closing

    /// Half-closes after the last answer and drains what the peer still sends (for at most two
    /// seconds), so unread request bytes do not make the kernel reset the connection and lose the answer.
    private func startLingering(_ c: Connection) {
        c.lingering = true
        c.lingerDeadline = now &+ Worker.lingerNanoseconds
        shutdown(c.fd, Int32(SHUT_WR))
        c.input.clear()
        lingerRead(c)
    }

    private func lingerRead(_ c: Connection) {
        while true {
            let room = c.input.prepareForRead()
            let n = read(c.fd, room.baseAddress, room.count)
            if n > 0 { c.input.clear(); continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            if n < 0 && errno == EINTR { continue }
            close(c)  // EOF or error: done
            return
        }
    }

    private func close(_ c: Connection) {
        guard c.fd >= 0 else { return }
        Glibc.close(c.fd)  // also removes it from epoll
        connections[Int(c.fd)] = nil
        c.fd = -1
        openCount -= 1
        state.openConnections.wrappingSubtract(1, ordering: .relaxed)
        if pool.count < Worker.poolSize {
            c.trim()
            pool.append(c)
        }
    }

    // MARK: - Timeouts and shutdown

    /// Cuts slow requests (408), idle keep-alive connections, peers that stopped reading, and
    /// lingering closes that ran out of time.
    private func sweep() {
        let headerTimeout = UInt64(configuration.headerTimeoutMilliseconds) * 1_000_000
        let idleTimeout = UInt64(configuration.idleTimeoutMilliseconds) * 1_000_000
        for case let c? in connections {
            if c.lingering {
                if now >= c.lingerDeadline { close(c) }
            } else if c.pendingOutput > 0 {
                if now &- c.lastActivity >= idleTimeout { close(c) }
            } else if !c.input.isEmpty || c.awaitingFirstRequest {
                // A silent new connection is timed from accept; a request from its first byte.
                let since = c.awaitingFirstRequest ? c.acceptedAt : c.requestStartedAt
                if now &- since >= headerTimeout {
                    handler.didReject(.timedOut)
                    writeError(c, status: 408, reason: "request not received in time")
                    drive(c)
                }
            } else if now &- c.lastActivity >= idleTimeout || stopDeadline != nil {
                close(c)
            }
        }
    }

    /// Stops accepting; idle connections close now, busy ones finish their request (answered with
    /// `Connection: close`) within the grace period.
    private func beginStop() {
        stopDeadline = now &+ UInt64(configuration.shutdownGraceMilliseconds) * 1_000_000
        if listener >= 0 {
            Glibc.close(listener)
            listener = -1
        }
        for case let c? in connections where c.input.isEmpty && c.pendingOutput == 0 && !c.lingering {
            // A request may already sit unread in the kernel (its edge not handled yet): read
            // before calling the connection idle. What arrives is answered with `Connection: close`.
            c.readable = true
            drive(c)
            if c.fd >= 0 && c.input.isEmpty && c.pendingOutput == 0 && !c.lingering { close(c) }
        }
    }

    /// The `Date` header value, formatted once per second.
    private func currentDate() -> [UInt8] {
        let second = time(nil)
        if second != dateSecond {
            dateSecond = second
            dateBytes.removeAll(keepingCapacity: true)
            HTTPDate.format(epochSeconds: second, into: &dateBytes)
        }
        return dateBytes
    }
}
