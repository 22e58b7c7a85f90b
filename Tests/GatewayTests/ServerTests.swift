import Foundation
import Testing
import HTTPServer
import RuleEngine
import TwilioWebhook
@testable import Gateway

/// A gateway running in this process on a loopback port, with the shipped rules (or given ones).
final class RunningGateway {
    static let token = "test-auth-token"
    static let secondaryToken = "next-auth-token"
    /// What Twilio is configured with: a TLS proxy's URL, not the address the server listens on.
    static let publicURL = "https://gateway.example.com/webhook"

    let app: GatewayApp
    let server: HTTPServer
    let port: Int

    init(rules: String = repoRules, configure: (inout ServeConfiguration) -> Void = { _ in }) throws {
        var environment = ["TWILIO_AUTH_TOKEN": RunningGateway.token, "TWILIO_AUTH_TOKEN_SECONDARY": RunningGateway.secondaryToken]
        environment["PREHOOK_NO_REQUEST_LOG"] = "1"
        var configuration = try ServeConfiguration.resolve(
            flags: ["--rules": rules, "--port": "0", "--workers": "2", "--public-url": RunningGateway.publicURL],
            environment: environment)
        configure(&configuration)
        app = try GatewayApp(configuration: configuration)
        app.reload(trigger: "start")
        server = app.makeServer()
        port = try server.start()
    }

    deinit {
        server.shutdown()
        server.waitUntilStopped()
    }

    func client() throws -> TestClient { try TestClient(port: port) }

    static func signature(_ params: [(String, String)], url: String = publicURL, token: String = token) -> String {
        SignatureVerifier.sign(url: url, parameters: params, token: token)
    }

    /// A correctly signed webhook POST.
    static func signedPost(_ params: [(String, String)], extraHeaders: [String] = []) -> String {
        RequestBytes.post(body: RequestBytes.form(params), signature: signature(params), extraHeaders: extraHeaders)
    }

    /// Sends one request on a fresh connection and reads the answer.
    func exchange(_ request: String) throws -> TestClient.Response {
        let c = try client()
        try c.send(request)
        return try c.readResponse()
    }
}

func message(_ body: String, event: String = "onMessageAdd") -> [(String, String)] {
    [("AccountSid", "AC" + String(repeating: "a", count: 32)), ("EventType", event), ("Body", body),
     ("Author", "alice"), ("Attributes", "{}"), ("ConversationSid", "CH" + String(repeating: "b", count: 32)),
     ("Source", "SDK"), ("RetryCount", "0")]
}

@Suite(.serialized) struct ServerTests {
    @Test func cleanMessageIsAllowedWithAnEmptyBody() throws {
        let gateway = try RunningGateway()
        let answer = try gateway.exchange(RunningGateway.signedPost(message("see you at five")))
        #expect(answer.status == 200)
        #expect(answer.body.isEmpty)
        #expect(answer.header("Content-Length") == "0")
    }

    @Test func personalDataIsRedactedInTheAnswer() throws {
        let gateway = try RunningGateway()
        let answer = try gateway.exchange(RunningGateway.signedPost(message("mail me at jane.doe@example.com please")))
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "application/json")
        let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as! [String: Any]
        #expect((json["body"] as? String)?.contains("jane.doe@example.com") == false)
        #expect((json["body"] as? String)?.hasPrefix("mail me at ") == true)
        #expect(json["attributes"] is String)
    }

    @Test func profanityIsRejected() throws {
        let gateway = try RunningGateway()
        let answer = try gateway.exchange(RunningGateway.signedPost(message("you are a f.u.c.k.i.n.g idiot")))
        #expect(answer.status == 403)
    }

    @Test func missingOrWrongSignaturesAreRefusedAndNeverEvaluated() throws {
        let gateway = try RunningGateway()
        let params = message("mail me at jane.doe@example.com")
        let body = RequestBytes.form(params)
        #expect(try gateway.exchange(RequestBytes.post(body: body, signature: nil)).status == 403)
        #expect(try gateway.exchange(RequestBytes.post(body: body, signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).status == 403)
        // Signed for another URL (the address the server listens on, not the public one).
        let wrongURL = RunningGateway.signature(params, url: "http://127.0.0.1:\(gateway.port)/webhook")
        #expect(try gateway.exchange(RequestBytes.post(body: body, signature: wrongURL)).status == 403)
        // Tampered after signing.
        let tampered = body.replacingOccurrences(of: "jane.doe", with: "john.doe")
        #expect(try gateway.exchange(RequestBytes.post(body: tampered, signature: RunningGateway.signature(params))).status == 403)
        let counters = gateway.app.metrics.snapshot()
        #expect(counters.signatureFailures[SignatureFailure.missing.rawValue] == 1)
        #expect(counters.signatureFailures[SignatureFailure.mismatch.rawValue] == 3)
        #expect(counters.foldedHits.isEmpty, "a refused request must not reach the rules")
    }

    @Test func secondaryTokenAndDefaultPortVariantAreAccepted() throws {
        let gateway = try RunningGateway()
        let params = message("hello")
        let secondary = RunningGateway.signature(params, token: RunningGateway.secondaryToken)
        #expect(try gateway.exchange(RequestBytes.post(body: RequestBytes.form(params), signature: secondary)).status == 200)
        let withPort = RunningGateway.signature(params, url: "https://gateway.example.com:443/webhook")
        #expect(try gateway.exchange(RequestBytes.post(body: RequestBytes.form(params), signature: withPort)).status == 200)
    }

    @Test func postEventsAndUnknownEventsPassThroughAndAreCounted() throws {
        let gateway = try RunningGateway()
        for event in ["onMessageAdded", "onSomethingNew"] {
            let answer = try gateway.exchange(RunningGateway.signedPost(message("f.u.c.k", event: event)))
            #expect(answer.status == 200)
            #expect(answer.body.isEmpty)
        }
        let counters = gateway.app.metrics.snapshot()
        let outcomes = RequestOutcome.allCases.count
        #expect(counters.requests[EventLabel.post.index * outcomes + RequestOutcome.passedThrough.rawValue] == 1)
        #expect(counters.requests[EventLabel.unknown.index * outcomes + RequestOutcome.passedThrough.rawValue] == 1)
    }

    @Test func participantWithAnEmailIdentityIsRejected() throws {
        let gateway = try RunningGateway()
        let params = [("EventType", "onParticipantAdd"), ("Identity", "jane.doe@example.com"), ("ConversationSid", "CH1")]
        #expect(try gateway.exchange(RunningGateway.signedPost(params)).status == 403)
        let ok = [("EventType", "onParticipantAdd"), ("Identity", "user-4711"), ("ConversationSid", "CH1")]
        #expect(try gateway.exchange(RunningGateway.signedPost(ok)).status == 200)
    }

    @Test func getWithQueryParametersIsVerifiedOverTheWholeURL() throws {
        let gateway = try RunningGateway()
        let query = RequestBytes.form(message("hi there"))
        let signature = RunningGateway.signature([], url: RunningGateway.publicURL + "?" + query)
        let request = "GET /webhook?\(query) HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: \(signature)\r\n\r\n"
        #expect(try gateway.exchange(request).status == 200)
        let unsigned = "GET /webhook?\(query) HTTP/1.1\r\nHost: x\r\n\r\n"
        #expect(try gateway.exchange(unsigned).status == 403)
    }

    @Test func undecodableFormIsABadRequest() throws {
        let gateway = try RunningGateway()
        let answer = try gateway.exchange(RequestBytes.post(body: "EventType=onMessageAdd&Body=%ZZ", signature: "x"))
        #expect(answer.status == 400)
        let invalidUTF8 = try gateway.exchange(RequestBytes.post(body: "EventType=onMessageAdd&Body=%C3%28", signature: "x"))
        #expect(invalidUTF8.status == 400)
        let xml = try gateway.exchange(RequestBytes.post(body: "<a/>", signature: "x", contentType: "text/xml"))
        #expect(xml.status == 415)
    }

    @Test func routesAndMethods() throws {
        let gateway = try RunningGateway()
        let missing = try gateway.exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(missing.status == 404)
        let put = try gateway.exchange("PUT /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(put.status == 405)
        #expect(put.header("Allow") == "GET, POST")
        let postHealth = try gateway.exchange("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(postHealth.status == 405)
        #expect(postHealth.header("Allow") == "GET, HEAD")
    }

    @Test func healthAndMetrics() throws {
        let gateway = try RunningGateway()
        _ = try gateway.exchange(RunningGateway.signedPost(message("mail jane.doe@example.com")))
        let health = try gateway.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(health.status == 200)
        let json = try JSONSerialization.jsonObject(with: Data(health.body)) as! [String: Any]
        #expect(json["rules_version"] as? String == gateway.app.store.pipeline?.version)
        #expect(json["signature_check"] as? String == "enforced")
        #expect(json["uptime_seconds"] is Int)
        let metrics = try gateway.exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.text.contains(#"prehook_requests_total{event="onMessageAdd",outcome="rewritten"} 1"#))
        #expect(metrics.text.contains(#"prehook_rule_hits_total{rule="pii.email",mode="enforce"} 1"#))
        #expect(metrics.text.contains("prehook_request_duration_seconds_count 1"))
        #expect(metrics.text.contains("prehook_open_connections "))
        #expect(!metrics.text.contains("jane.doe"))
    }

    @Test func keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws {
        let gateway = try RunningGateway()
        let c = try gateway.client()
        try c.send(RunningGateway.signedPost(message("first")))
        #expect(try c.readResponse().status == 200)
        try c.send(RunningGateway.signedPost(message("second f.u.c.k")))
        #expect(try c.readResponse().status == 403)
        // Three at once, in one write: answers come back in order.
        let three = RunningGateway.signedPost(message("a@b.example.com x")) + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
            + RunningGateway.signedPost(message("plain"))
        try c.send(three)
        #expect(try c.readResponse().status == 200)
        #expect(try c.readResponse().status == 404)
        let last = try c.readResponse()
        #expect(last.status == 200)
        #expect(last.body.isEmpty)
    }

    @Test func connectionCloseAndHTTP10CloseAfterTheAnswer() throws {
        let gateway = try RunningGateway()
        let c = try gateway.client()
        try c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let answer = try c.readResponse()
        #expect(answer.status == 200)
        #expect(answer.header("Connection") == "close")
        #expect(c.isClosedByServer())
        let old = try gateway.client()
        try old.send("GET /healthz HTTP/1.0\r\n\r\n")
        #expect(try old.readResponse().status == 200)
        #expect(old.isClosedByServer())
        let kept = try gateway.client()
        try kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try kept.readResponse().header("Connection")?.lowercased() == "keep-alive")
        try kept.send("GET /healthz HTTP/1.0\r\n\r\n")
        #expect(try kept.readResponse().status == 200)
    }

    @Test func protocolErrorsGetTheirStatusAndClose() throws {
        let gateway = try RunningGateway { $0.http.limits.maxBodyBytes = 4096 }
        let cases: [(String, Int)] = [
            ("garbage\r\n\r\n", 400),
            ("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n", 413),
            ("GET /webhook HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n", 431),
            ("POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
            ("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
            ("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
            ("POST /webhook HTTP/1.1\r\nHost: x\r\n\r\n", 411),
            ("GET /webhook HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ]
        for (request, status) in cases {
            let c = try gateway.client()
            try c.send(request)
            let answer = try c.readResponse()
            #expect(answer.status == status, "\(request.prefix(40))")
            #expect(answer.header("Connection") == "close")
            #expect(c.isClosedByServer())
        }
        // Garbage pipelined after a valid request: the valid one is answered, then 400 and close.
        let c = try gateway.client()
        try c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n\u{01}\u{02} nonsense\r\n\r\n")
        #expect(try c.readResponse().status == 200)
        #expect(try c.readResponse().status == 400)
        #expect(c.isClosedByServer())
    }

    @Test func slowClientsAreCutAtTheHeaderTimeout() throws {
        let gateway = try RunningGateway { $0.http.headerTimeoutMilliseconds = 300 }
        let c = try gateway.client()
        try c.send("POST /webhook HTTP/1.1\r\nHost: x\r\n")
        let started = Date()
        let answer = try c.readResponse()
        #expect(answer.status == 408)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(c.isClosedByServer())
        // A connection that never sends a byte is closed too.
        let silent = try gateway.client()
        #expect(try silent.readResponse().status == 408)
    }

    @Test func connectionsPastTheLimitAreRefusedAndTheServerStaysUp() throws {
        let gateway = try RunningGateway { $0.http.maxConnections = 4; $0.http.workers = 1 }
        var held: [TestClient] = []
        for _ in 0..<4 {
            let c = try gateway.client()
            try c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try c.readResponse().status == 200)
            held.append(c)
        }
        let extra = try gateway.client()
        #expect(try extra.readResponse().status == 503)
        held.removeAll()
        // Once connections close, new ones are served again.
        var served = false
        for _ in 0..<50 where !served {
            let c = try gateway.client()
            try c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            served = (try? c.readResponse().status) == 200
            if !served { usleep(20_000) }
        }
        #expect(served)
    }

    @Test func ruleOutOfBudgetIsAnsweredByTheErrorPolicy() throws {
        let rules = try TemporaryRules(["evil.json5": """
            { rules: [{ id: 'evil', kind: 'redact', description: 'd', pattern: '(a+)+$', replacement: 'x',
                        examples: { match: ['aaa'], noMatch: ['b'] } }] }
            """])
        let body = String(repeating: "a", count: 3000) + "!"
        let open = try RunningGateway(rules: rules.directory) { $0.matchLimit = 10_000 }
        #expect(try open.exchange(RunningGateway.signedPost(message(body))).status == 200)
        let closed = try RunningGateway(rules: rules.directory) { $0.matchLimit = 10_000; $0.onError = .reject }
        #expect(try closed.exchange(RunningGateway.signedPost(message(body))).status == 503)
        let counters = closed.app.metrics.snapshot()
        #expect(counters.requests[EventLabel.pre(.onMessageAdd).index * RequestOutcome.allCases.count + RequestOutcome.failedClosed.rawValue] == 1)
    }

    @Test func reloadSwapsTheRulesWhileServingAndKeepsTheLastGoodSet() throws {
        let rules = try TemporaryRules(["a.json5": TemporaryRules.blockRule(word: "alpha")])
        let gateway = try RunningGateway(rules: rules.directory)
        let c = try gateway.client()
        try c.send(RunningGateway.signedPost(message("alpha")))
        #expect(try c.readResponse().status == 403)
        try rules.write("a.json5", TemporaryRules.blockRule(word: "bravo"))
        gateway.app.reload(trigger: "test")
        // Same keep-alive connection, new rules.
        try c.send(RunningGateway.signedPost(message("alpha")))
        #expect(try c.readResponse().status == 200)
        try c.send(RunningGateway.signedPost(message("bravo")))
        #expect(try c.readResponse().status == 403)
        let good = gateway.app.store.pipeline?.version
        try rules.write("a.json5", "{ rules: [ { id: 'broken' ")
        gateway.app.reload(trigger: "test")
        #expect(gateway.app.store.pipeline?.version == good)
        try c.send(RunningGateway.signedPost(message("bravo")))
        #expect(try c.readResponse().status == 403)
        #expect(gateway.app.metrics.reloadFailures.load(ordering: .relaxed) == 1)
        #expect(gateway.app.metrics.reloadSuccesses.load(ordering: .relaxed) == 2)
    }

    /// Half a request and the FIN in one burst: the server must see the FIN (not only the bytes)
    /// and close at once, not hold the descriptor until the header timeout (found by Tests/faults/run).
    @Test func halfRequestThenCloseIsClosedAtOnceNotAtTheTimeout() throws {
        let gateway = try RunningGateway { $0.http.headerTimeoutMilliseconds = 60_000 }
        let clients = try (0..<20).map { _ in try gateway.client() }
        usleep(100_000)  // accepted and registered: what follows arrives as one event
        for client in clients {
            // Corked, the bytes wait and leave with the FIN in one segment: they arrive together.
            var on: Int32 = 1
            setsockopt(client.fd, Int32(IPPROTO_TCP), TCP_CORK, &on, socklen_t(MemoryLayout<Int32>.size))
            try client.send("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Le")
            shutdown(client.fd, Int32(SHUT_WR))
        }
        var open = gateway.server.openConnections
        for _ in 0..<100 where open > 0 {
            usleep(20_000)
            open = gateway.server.openConnections
        }
        #expect(open == 0, "\(open) half-closed connections still held after 2 s (header timeout 60 s)")
    }

    @Test func shutdownFinishesRequestsInFlightAndRefusesNewConnections() throws {
        let gateway = try RunningGateway()
        let busy = try gateway.client()
        let request = RunningGateway.signedPost(message("in flight"))
        let split = request.index(request.startIndex, offsetBy: 20)
        try busy.send(String(request[..<split]))
        let idle = try gateway.client()
        try idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        usleep(50_000)
        gateway.server.shutdown()
        usleep(100_000)
        #expect(idle.isClosedByServer())
        #expect((try? TestClient(port: gateway.port)) == nil, "new connections are refused once stopping")
        try busy.send(String(request[split...]))
        let answer = try busy.readResponse()
        #expect(answer.status == 200)
        #expect(answer.header("Connection") == "close")
        gateway.server.waitUntilStopped()
        #expect(gateway.server.openConnections == 0)
    }
}

/// A throwaway rules directory.
struct TemporaryRules {
    let directory: String

    init(_ files: [String: String]) throws {
        directory = NSTemporaryDirectory() + "prehook-serve-rules-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    static func blockRule(word: String) -> String {
        """
        { rules: [{ id: 'block.\(word)', kind: 'block', description: 'd', pattern: '\\\\b\(word)\\\\b', reason: 'r',
                    examples: { match: ['\(word)'], noMatch: ['other'] } }] }
        """
    }
}

@Suite struct ListenTests {
    @Test func aSecondServerOnTheSamePortIsRefused() throws {
        let first = try RunningGateway()
        var configuration = first.app.configuration
        configuration.http.port = first.port
        let second = HTTPServer(configuration: configuration.http) { _ in fatalError("never serves") }
        #expect(throws: HTTPServerError.self) { try second.start() }
        #expect(try first.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
    }
}
