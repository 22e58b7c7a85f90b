#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import JSONBytes
import RuleEngine
import TwilioWebhook

/// Parameters a request carries, looked up by name (form body, query string or JSON body).
protocol NamedEventFields: EventFields {
    func value(named name: [UInt8]) -> UnsafeBufferPointer<UInt8>?
}
extension FormEventFields: NamedEventFields {}
extension JSONLineFields: NamedEventFields {}

/// One worker's request handler: routes, decodes, verifies, evaluates, answers, counts and logs.
///
/// Everything per request lives in buffers owned here and reused (form storage, PCRE2 match data,
/// signature scratch, the log line), so a clean message costs no allocation on this path.
final class WebhookHandler: HTTPHandler {
    let app: GatewayApp
    let worker: Int
    private var cache: PipelineCache
    private let workspace: PipelineWorkspace
    private var form = FormFields()
    private var json = JSONStringFields(reservingBytes: 4096, fields: 32)
    private let signatureScratch = SignatureScratch()
    private var log = LogLine()
    private var logBuffer = LogBuffer(fd: STDERR_FILENO)
    private let webhookPath: [UInt8]
    private let logRequests: Bool

    private static let eventTypeKey = Array("EventType".utf8)
    private static let healthPath = Array("/healthz".utf8)
    private static let metricsPath = Array("/metrics".utf8)
    private static let formType = Array("application/x-www-form-urlencoded".utf8)
    private static let jsonType = Array("application/json".utf8)

    init(app: GatewayApp, worker: Int) {
        self.app = app
        self.worker = worker
        cache = PipelineCache(store: app.store)
        workspace = PipelineWorkspace(limits: app.store.limits)
        webhookPath = Array(app.configuration.webhookPath.utf8)
        logRequests = app.configuration.requestLog
    }

    func handle(_ request: HTTPRequest, response: inout HTTPResponse) {
        let path = request.path
        if path.sameBytes(as: webhookPath) {
            webhook(request, &response)
        } else if path.sameBytes(as: WebhookHandler.healthPath) {
            guard request.head.method == .get || request.head.method == .head else { return methodNotAllowed(webhook: false, &response) }
            health(&response)
        } else if path.sameBytes(as: WebhookHandler.metricsPath) {
            guard request.head.method == .get || request.head.method == .head else { return methodNotAllowed(webhook: false, &response) }
            metricsPage(&response)
        } else {
            plainError(404, "not found", &response)
        }
    }

    func didReject(_ rejection: HTTPRejection) {
        let status: Int
        switch rejection {
        case .invalid(let error): status = error.status
        case .timedOut: status = 408
        case .overloaded: status = 503
        }
        app.metrics.withWorker(worker) { $0.httpErrors[status, default: 0] += 1 }
        guard logRequests else { return }
        log.begin(level: "warning")
        log.field("outcome", "http_error")
        log.field("status", status)
        switch rejection {
        case .invalid(let error): log.field("reason", error.description)
        case .timedOut: log.field("reason", "request not received in time")
        case .overloaded: log.field("reason", "connection limit reached")
        }
        log.finish()
        logBuffer.append(log)
    }

    /// The worker answered everything ready and is about to wait: the log lines go out now.
    func didServeReady() {
        logBuffer.flush()
    }

    // MARK: - The webhook

    private func webhook(_ request: HTTPRequest, _ response: inout HTTPResponse) {
        let method = request.head.method
        guard method == .post || method == .get else { return methodNotAllowed(webhook: true, &response) }
        if method == .get {
            // Twilio's `Method=GET`: the parameters are the query string, and nothing is appended to the signed URL.
            return decodeForm(request.query ?? UnsafeBufferPointer(start: nil, count: 0), request, isPost: false, &response)
        }
        let contentType = request.header("content-type")
        if contentType == nil || WebhookHandler.hasMediaType(contentType!, WebhookHandler.formType) {
            decodeForm(request.body, request, isPost: true, &response)
        } else if WebhookHandler.hasMediaType(contentType!, WebhookHandler.jsonType) {
            decodeJSON(request, &response)
        } else {
            finish(.badRequest, status: 415, event: .none, request: request, reason: "unsupported content type", &response)
        }
    }

    private func decodeForm(_ bytes: UnsafeBufferPointer<UInt8>, _ request: HTTPRequest, isPost: Bool, _ response: inout HTTPResponse) {
        do {
            try form.decode(bytes)
        } catch {
            return finish(.badRequest, status: 400, event: .none, request: request, reason: "undecodable form parameters", &response)
        }
        let form = self.form
        form.withEventFields { fields in
            verifyAndAnswer(fields, signedForm: isPost ? fields : nil, request, &response)
        }
    }

    /// A JSON body (Twilio signs these with `bodySHA256` in the URL): an object of string values.
    private func decodeJSON(_ request: HTTPRequest, _ response: inout HTTPResponse) {
        do {
            try JSON.parseStringObject(request.body, into: &json)
        } catch {
            return finish(.badRequest, status: 400, event: .none, request: request, reason: "JSON body is not an object of string values", &response)
        }
        let json = self.json
        json.storage.withUnsafeBufferPointer { storage in
            verifyAndAnswer(JSONLineFields(fields: json, storage: storage), signedForm: nil, request, &response)
        }
    }

    private func verifyAndAnswer<Fields: NamedEventFields>(_ fields: Fields, signedForm: FormEventFields?, _ request: HTTPRequest, _ response: inout HTTPResponse) {
        let eventType = fields.value(named: WebhookHandler.eventTypeKey)
        let kind = eventType.map(TwilioEvent.classify)
        let label: EventLabel
        switch kind {
        case .pre(let event)?: label = .pre(event)
        case .post?: label = .post
        case .unknown?: label = .unknown
        case nil: label = .none
        }
        if let verifier = app.verifier {
            let signed = SignedRequest(signature: request.header("x-twilio-signature"),
                                       settings: request.header("x-twilio-webhooks-signature-settings"),
                                       query: request.query, form: signedForm, body: request.body)
            let failure: SignatureFailure
            switch verifier.verify(signed, scratch: signatureScratch) {
            case .valid: failure = .none
            case .missing: failure = .missing
            case .mismatch: failure = .mismatch
            case .bodyHashMismatch: failure = .bodyHashMismatch
            case .unknownSharedKey: failure = .unknownSharedKey
            case .unsupportedAlgorithm: failure = .unsupportedAlgorithm
            }
            if failure != .none {
                app.metrics.withWorker(worker) { $0.signatureFailures[failure.rawValue] += 1 }
                return finish(.badSignature, status: 403, event: label, request: request, reason: failure.label, &response)
            }
        }
        guard case .pre(let event)? = kind else {
            // Post-events and event types this gateway does not know are let through and counted,
            // never rejected by accident.
            return finish(.passedThrough, status: 200, event: label, request: request, reason: nil, &response)
        }
        guard let pipeline = cache.current() else {
            // Only before the first load (serve refuses to start without rules): answer by policy.
            let failed: RequestOutcome = app.configuration.onError == .allow ? .failedOpen : .failedClosed
            return finish(failed, status: failed == .failedOpen ? 200 : WebhookAnswer.failedClosedStatus, event: label,
                          request: request, reason: "no rule set loaded", &response)
        }
        let deadline = MonotonicClock.Instant(nanoseconds: request.receivedAt).adding(milliseconds: app.configuration.deadlineMilliseconds)
        let decision = pipeline.evaluate(event, fields: fields, workspace: workspace, deadline: deadline)
        let answer = WebhookAnswer.encode(decision, onError: app.configuration.onError, into: &response.body)
        response.status = answer.status
        if answer.hasJSONBody { response.contentType = "application/json" }
        let outcome: RequestOutcome
        switch answer.kind {
        case .unchanged: outcome = .allowed
        case .rewritten: outcome = .rewritten
        case .rejected: outcome = .rejected
        case .failedOpen: outcome = .failedOpen
        case .failedClosed: outcome = .failedClosed
        }
        let latency = MonotonicClock.now().nanoseconds(since: MonotonicClock.Instant(nanoseconds: request.receivedAt))
        app.metrics.withWorker(worker) { counters in
            counters.requests[label.index * RequestOutcome.allCases.count + outcome.rawValue] += 1
            counters.countHits(pipeline, decision.firedRules)
            counters.observe(latency: latency)
        }
        guard logRequests else { return }
        log.begin()
        log.field("event", event.rawValue)
        log.field("outcome", outcome.label)
        log.field("status", answer.status)
        appendRuleIDs("rules", pipeline, decision, mode: .enforce)
        appendRuleIDs("monitored", pipeline, decision, mode: .monitor)
        if decision.redactionCount > 0 { log.field("redactions", decision.redactionCount) }
        if case .failed = decision.outcome, let rule = decision.decidingRule {
            log.field("failed_rule", rule.id)
            log.field("failure", decision.deadlineExceeded ? "deadline" : "match_limit")
        }
        log.field("latency_us", Int(latency / 1000))
        log.field("rules_version", pipeline.version)
        log.finish()
        logBuffer.append(log)
    }

    private func appendRuleIDs(_ key: StaticString, _ pipeline: Pipeline, _ decision: Decision, mode: RuleMode) {
        log.key(key)
        log.rawByte(UInt8(ascii: "["))
        var first = true
        for fired in decision.firedRules where fired.mode == mode && fired.note == nil {
            if !first { log.rawByte(UInt8(ascii: ",")) }
            first = false
            log.rawString(pipeline.rules[fired.ruleIndex].id)
        }
        log.rawByte(UInt8(ascii: "]"))
    }

    /// Answers a request that was not evaluated, and counts and logs it.
    private func finish(_ outcome: RequestOutcome, status: Int, event: EventLabel, request: HTTPRequest, reason: StaticString?, _ response: inout HTTPResponse) {
        response.status = status
        if status >= 400, let reason {
            response.contentType = "text/plain; charset=utf-8"
            reason.withUTF8Buffer { response.body.append(contentsOf: $0) }
            response.body.append(0x0A)
        }
        let latency = MonotonicClock.now().nanoseconds(since: MonotonicClock.Instant(nanoseconds: request.receivedAt))
        app.metrics.withWorker(worker) { counters in
            counters.requests[event.index * RequestOutcome.allCases.count + outcome.rawValue] += 1
            counters.observe(latency: latency)
        }
        guard logRequests else { return }
        log.begin(level: status >= 400 ? "warning" : "info")
        log.field("event", EventLabel.name(at: event.index))
        log.field("outcome", outcome.label)
        log.field("status", status)
        if let reason { log.field("reason", reason) }
        log.field("latency_us", Int(latency / 1000))
        log.finish()
        logBuffer.append(log)
    }

    // MARK: - Operations endpoints

    private func health(_ response: inout HTTPResponse) {
        response.contentType = "application/json"
        var out = "{"
        if let pipeline = cache.current() {
            out += "\"status\":\"ok\",\"rules_version\":\"\(pipeline.version)\",\"rules\":\(pipeline.rules.count)"
        } else {
            response.status = 503
            out += "\"status\":\"no rule set loaded\""
        }
        out += ",\"uptime_seconds\":\(Int(app.uptimeSeconds))"
        if app.verifier == nil {
            out += ",\"signature_check\":\"DISABLED\",\"warning\":\"--insecure-skip-signature: requests are not authenticated\""
        } else {
            out += ",\"signature_check\":\"enforced\""
        }
        out += "}\n"
        response.body.append(contentsOf: out.utf8)
    }

    private func metricsPage(_ response: inout HTTPResponse) {
        response.contentType = "text/plain; version=0.0.4; charset=utf-8"
        let pipeline = cache.current()
        let page = app.metrics.render(version: pipeline?.version, ruleCount: pipeline?.rules.count ?? 0,
                                      openConnections: app.openConnections, uptimeSeconds: app.uptimeSeconds,
                                      signatureEnforced: app.verifier != nil)
        response.body.append(contentsOf: page.utf8)
    }

    private func methodNotAllowed(webhook: Bool, _ response: inout HTTPResponse) {
        response.extraHeaders = webhook ? "Allow: GET, POST\r\n" : "Allow: GET, HEAD\r\n"
        plainError(405, "method not allowed", &response)
    }

    private func plainError(_ status: Int, _ text: StaticString, _ response: inout HTTPResponse) {
        response.status = status
        response.contentType = "text/plain; charset=utf-8"
        text.withUTF8Buffer { response.body.append(contentsOf: $0) }
        response.body.append(0x0A)
        app.metrics.withWorker(worker) { $0.httpErrors[status, default: 0] += 1 }
    }

    /// True when a `Content-Type` value names `type` (ASCII case-insensitive), with or without parameters.
    static func hasMediaType(_ value: UnsafeBufferPointer<UInt8>, _ type: [UInt8]) -> Bool {
        guard value.count >= type.count else { return false }
        for i in 0..<type.count where value[i] | 0x20 != type[i] | 0x20 { return false }
        if value.count == type.count { return true }
        let next = value[type.count]
        return next == UInt8(ascii: ";") || next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")
    }
}
