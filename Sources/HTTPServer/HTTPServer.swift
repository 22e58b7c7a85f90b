#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// A small HTTP/1.1 server: one epoll worker thread per core, each with its own `SO_REUSEPORT`
/// listener, answering requests in place through an ``HTTPHandler`` made for that worker.
///
/// It knows nothing of what it serves. Limits and timeouts come from ``HTTPServerConfiguration``.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let makeHandler: @Sendable (Int) -> any HTTPHandler
    private let state = ServerState()
    private let running = Mutex<(threads: [pthread_t], wakeFDs: [Int32], port: Int)>(([], [], 0))

    /// `makeHandler(workerIndex)` is called once on each worker's own thread.
    public init(configuration: HTTPServerConfiguration, makeHandler: @escaping @Sendable (Int) -> any HTTPHandler) {
        self.configuration = configuration
        self.makeHandler = makeHandler
    }

    /// How many workers `workers: 0` means: one per online core.
    public static var defaultWorkerCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Binds every worker's listener (so address errors surface here), then starts the workers.
    /// Returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        signal(SIGPIPE, SIG_IGN)  // a peer that closed early must not kill the process
        let workerCount = configuration.workers > 0 ? configuration.workers : HTTPServer.defaultWorkerCount
        var port = configuration.port
        var prepared: [(epoll: Int32, listener: Int32, wake: Int32)] = []
        do throws(HTTPServerError) {
            for index in 0..<workerCount {
                let listener = try Socket.listen(host: configuration.host, port: port, backlog: configuration.backlog, exclusive: index == 0)
                port = listener.port  // later workers join the port the first one got
                let epoll = csystem_epoll_create()
                let wake = csystem_eventfd()
                prepared.append((epoll, listener.fd, wake))
                guard epoll >= 0, wake >= 0 else { throw HTTPServerError.epoll(Socket.errorText()) }
                guard csystem_epoll_ctl(epoll, 1, listener.fd, csystem_EPOLLIN | csystem_EPOLLET, UInt64.max - 1) == 0,
                      csystem_epoll_ctl(epoll, 1, wake, csystem_EPOLLIN, UInt64.max - 2) == 0 else {
                    throw HTTPServerError.epoll(Socket.errorText())
                }
            }
        } catch {
            for p in prepared { for fd in [p.epoll, p.listener, p.wake] where fd >= 0 { close(fd) } }
            throw error
        }
        var threads: [pthread_t] = []
        for (index, p) in prepared.enumerated() {
            let configuration = self.configuration
            let state = self.state
            let makeHandler = self.makeHandler
            let thread = try Self.spawn {
                let worker = Worker(epoll: p.epoll, listener: p.listener, wake: p.wake, configuration: configuration,
                                    state: state, handler: makeHandler(index))
                worker.run()
            }
            threads.append(thread)
        }
        let boundPort = port
        running.withLock { $0 = (threads, prepared.map(\.wake), boundPort) }
        return boundPort
    }

    /// Begins a graceful stop: workers close their listeners at once (new connections are refused),
    /// close idle connections, and let requests in flight finish within the grace period.
    public func shutdown() {
        state.stopping.store(true, ordering: .relaxed)
        let wakes = running.withLock { $0.wakeFDs }
        var one: UInt64 = 1
        for fd in wakes { _ = write(fd, &one, 8) }
    }

    /// Blocks until every worker has stopped.
    public func waitUntilStopped() {
        let threads = running.withLock { $0.threads }
        for thread in threads { pthread_join(thread, nil) }
        // Forget the wake descriptors before closing them, so a late shutdown() cannot write to a reused number.
        let wakes = running.withLock { state -> [Int32] in
            let wakes = state.wakeFDs
            state = ([], [], state.port)
            return wakes
        }
        for fd in wakes { close(fd) }
    }

    /// Connections open right now, across all workers.
    public var openConnections: Int { state.openConnections.load(ordering: .relaxed) }

    /// The port the server listens on (after ``start()``).
    public var port: Int { running.withLock { $0.port } }

    private final class ThreadBody: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private static func spawn(_ body: @escaping @Sendable () -> Void) throws(HTTPServerError) -> pthread_t {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            throw .thread(Socket.errorText(rc))
        }
        return thread
    }
}
