#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import PCRE2
import RuleEngine
import Synchronization
import TwilioWebhook

/// What every worker shares: configuration, the rule-set store, metrics, the signature verifier.
/// Immutable or synchronised, so one instance serves all threads.
public final class GatewayApp: Sendable {
    public let configuration: ServeConfiguration
    public let store: RuleSetStore
    public let metrics: Metrics
    /// `nil` under `--insecure-skip-signature`.
    let verifier: SignatureVerifier?
    let startedAt = MonotonicClock.now()
    let workerCount: Int
    private let server = Mutex<HTTPServer?>(nil)

    public init(configuration: ServeConfiguration) throws(ServeConfiguration.Problem) {
        self.configuration = configuration
        store = RuleSetStore(directory: configuration.rulesDirectory,
                             limits: MatchScratch.Limits(matchLimit: configuration.matchLimit))
        workerCount = configuration.http.workers > 0 ? configuration.http.workers : HTTPServer.defaultWorkerCount
        metrics = Metrics(workerCount: workerCount)
        if configuration.skipSignature {
            verifier = nil
        } else {
            do {
                verifier = try SignatureVerifier(publicURL: configuration.publicURL,
                                                 keys: SignatureKeys(authTokens: configuration.authTokens, sharedKeys: configuration.sharedKeys))
            } catch {
                throw ServeConfiguration.Problem("--public-url: \(error)")
            }
        }
    }

    /// The HTTP server wired to this app (one ``WebhookHandler`` per worker).
    public func makeServer() -> HTTPServer {
        let server = HTTPServer(configuration: configuration.http) { [self] worker in WebhookHandler(app: self, worker: worker) }
        self.server.withLock { $0 = server }
        return server
    }

    var openConnections: Int { server.withLock { $0?.openConnections ?? 0 } }
    var uptimeSeconds: Double { Double(MonotonicClock.now().nanoseconds(since: startedAt)) / 1e9 }

    // MARK: - Lifecycle logs (no request content, no secrets)

    func logStart(port: Int) {
        var line = LogLine()
        line.begin()
        line.field("msg", "listening")
        line.field("address", "\(configuration.http.host):\(port)")
        line.field("path", configuration.webhookPath)
        line.field("workers", workerCount)
        if let pipeline = store.pipeline {
            line.field("rules_version", pipeline.version)
            line.field("rules", pipeline.rules.count)
        }
        line.field("deadline_ms", configuration.deadlineMilliseconds)
        line.field("on_error", configuration.onError.rawValue)
        line.field("signature_check", verifier == nil ? "DISABLED" : "enforced")
        if verifier != nil {
            line.field("auth_tokens", configuration.authTokens.count)
            line.field("shared_keys", configuration.sharedKeys.count)
        }
        line.emit(to: STDERR_FILENO)
        if verifier == nil {
            line.begin(level: "warning")
            line.field("msg", "--insecure-skip-signature: requests are NOT authenticated; anyone who can reach this port can drive the gateway. Never run this way in production.")
            line.emit(to: STDERR_FILENO)
        } else if !configuration.publicURLWasGiven {
            line.begin(level: "warning")
            line.field("msg", "--public-url not given: signatures are checked against \(configuration.publicURL), which only matches requests made to that exact URL; set it to the URL configured in Twilio")
            line.emit(to: STDERR_FILENO)
        }
        for warning in FileSafety.warnings(rulesDirectory: configuration.rulesDirectory, sharedKeysFile: configuration.sharedKeysFile) {
            line.begin(level: "warning")
            line.field("msg", warning)
            line.emit(to: STDERR_FILENO)
        }
    }

    /// Reloads the rules and logs (and counts) the result. Runs on the control thread.
    func reload(trigger: StaticString, result: RuleSetStore.ReloadResult? = nil) {
        let result = result ?? store.reload()
        var line = LogLine()
        switch result {
        case .loaded(let pipeline, let previous):
            metrics.reloadSuccesses.add(1, ordering: .relaxed)
            line.begin()
            line.field("msg", "rules loaded")
            line.field("trigger", trigger)
            line.field("rules_version", pipeline.version)
            if let previous { line.field("previous_version", previous) }
            line.field("rules", pipeline.rules.count)
        case .failed(let error):
            metrics.reloadFailures.add(1, ordering: .relaxed)
            line.begin(level: "error")
            line.field("msg", store.pipeline == nil ? "rules failed to load" : "rules reload failed; keeping the last good set")
            line.field("trigger", trigger)
            if let active = store.pipeline { line.field("rules_version", active.version) }
            line.field("problems", strings: error.problems.map(\.description))
        }
        line.emit(to: STDERR_FILENO)
    }
}
