#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import HTTPServer
import RuleEngine

/// `prehook serve`: load the rules, start the workers, then run the control loop on this thread:
/// SIGHUP and changed rule files reload, SIGTERM/SIGINT stop gracefully.
public enum Serve {
    public static func run(_ configuration: ServeConfiguration) -> Int32 {
        let app: GatewayApp
        do {
            app = try GatewayApp(configuration: configuration)
        } catch {
            Commands.printError("prehook serve: \(error)")
            return 2
        }
        app.reload(trigger: "start")
        guard app.store.pipeline != nil else {
            Commands.printError("prehook serve: the rules in \(configuration.rulesDirectory) do not load; run `prehook check \(configuration.rulesDirectory)`")
            return 1
        }
        raiseOpenFileLimit(for: configuration.http.maxConnections)

        // Block the control signals before any worker exists, so every thread inherits the mask and
        // only this thread receives them (through sigtimedwait).
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server = app.makeServer()
        let port: Int
        do {
            port = try server.start()
        } catch {
            Commands.printError("prehook serve: \(error)")
            return 1
        }
        app.logStart(port: port)

        let pollNanoseconds = configuration.reloadPollMilliseconds > 0 ? configuration.reloadPollMilliseconds * 1_000_000 : 1_000_000_000
        var wait = timespec(tv_sec: pollNanoseconds / 1_000_000_000, tv_nsec: pollNanoseconds % 1_000_000_000)
        while true {
            let signal = sigtimedwait(&signals, nil, &wait)
            switch signal {
            case SIGHUP:
                app.reload(trigger: "SIGHUP")
            case SIGTERM, SIGINT:
                var line = LogLine()
                line.begin()
                line.field("msg", "stopping: no new connections, finishing requests in flight")
                line.field("signal", signal == SIGTERM ? "SIGTERM" : "SIGINT")
                line.field("open_connections", server.openConnections)
                line.emit(to: STDERR_FILENO)
                server.shutdown()
                server.waitUntilStopped()
                line.begin()
                line.field("msg", "stopped")
                line.emit(to: STDERR_FILENO)
                return 0
            default:
                // Timeout (or EINTR): look for changed rule files.
                if configuration.reloadPollMilliseconds > 0, let result = app.store.reloadIfChanged() {
                    app.reload(trigger: "file change", result: result)
                }
            }
        }
    }

    /// Raises the soft open-files limit towards the hard one so `--max-connections` can be reached.
    static func raiseOpenFileLimit(for connections: Int) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = rlim_t(connections + 64)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
