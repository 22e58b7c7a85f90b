#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Testing
@testable import HTTPServer

/// A handler that is never called (the connections here send nothing).
final class SilentHandler: HTTPHandler {
    func handle(_ request: HTTPRequest, response: inout HTTPResponse) {}
    func didReject(_ rejection: HTTPRejection) {}
}

@Suite struct WorkerTests {
    /// A burst of new connections is taken `acceptBatch` at a time, so the worker serves the ones
    /// it already has in between; `acceptPending` tells its loop that more are queued (the
    /// listener is edge-triggered: no new event would announce them).
    @Test func aBurstOfConnectionsIsAcceptedInBatches() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 1024)
        let epoll = csystem_epoll_create(), wake = csystem_eventfd()
        let state = ServerState()
        let worker = Worker(epoll: epoll, listener: listener.fd, wake: wake, configuration: HTTPServerConfiguration(port: listener.port),
                            state: state, handler: SilentHandler())
        let burst = Worker.acceptBatch + Worker.acceptBatch / 2
        var clients: [Int32] = []
        defer { for fd in clients { close(fd) } }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(listener.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        for _ in 0..<burst {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(connected == 0)
            clients.append(fd)
        }
        worker.acceptAll()
        #expect(state.openConnections.load(ordering: .relaxed) == Worker.acceptBatch)
        #expect(worker.acceptPending)
        worker.acceptAll()
        #expect(state.openConnections.load(ordering: .relaxed) == burst)
        #expect(!worker.acceptPending)
        worker.acceptAll()  // nothing queued: EAGAIN, nothing pending
        #expect(state.openConnections.load(ordering: .relaxed) == burst && !worker.acceptPending)
        // Stopping closes the idle connections, the listener and the epoll descriptor.
        state.stopping.store(true, ordering: .relaxed)
        worker.run()
        #expect(state.openConnections.load(ordering: .relaxed) == 0)
        close(wake)
    }
}
