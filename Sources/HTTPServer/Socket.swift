#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Socket set-up and small syscall helpers. Everything here is plain POSIX; the epoll calls live in CSystem.
enum Socket {
    /// The text of `errno`, for error messages.
    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// A non-blocking listening socket on `host:port` with `SO_REUSEADDR` and `SO_REUSEPORT`, so every
    /// worker can own one and the kernel spreads new connections between them.
    ///
    /// `SO_REUSEPORT` would also let a second gateway process (an old one still running, with old
    /// rules) silently share the port. `exclusive` first binds a probe socket without it, which
    /// fails with "address in use" if anything already listens there; the first worker sets it.
    static func listen(host: String, port: Int, backlog: Int32, exclusive: Bool = false) throws(HTTPServerError) -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .resolve("\(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        if exclusive && port != 0 {
            let probe = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard probe >= 0 else { throw .socket(errorText()) }
            var on: Int32 = 1
            setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            let bound = bind(probe, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0
            let text = errorText()
            close(probe)
            guard bound else { throw .bind("\(host):\(port): \(text) (is another prehook or server already listening there?)") }
        }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socket(errorText()) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let text = errorText()
            close(fd)
            throw .bind("\(host):\(port): \(text)")
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let text = errorText()
            close(fd)
            throw .listen(text)
        }
        return (fd, boundPort(fd))
    }

    /// The local port of a bound socket (the real one when asked for port 0).
    static func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        default:
            return 0
        }
    }

    /// Turns off Nagle: answers are one write each and must not wait for an ACK.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends without raising SIGPIPE. Returns bytes sent, 0 on EAGAIN, -1 on a real error.
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1
        }
    }
}
