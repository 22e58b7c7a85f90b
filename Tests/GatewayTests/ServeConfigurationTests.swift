import Foundation
import Testing
@testable import Gateway

@Suite struct ServeConfigurationTests {
    let token = ["TWILIO_AUTH_TOKEN": "t"]

    @Test func defaults() throws {
        let c = try ServeConfiguration.resolve(flags: [:], environment: token)
        #expect(c.rulesDirectory == "Rules")
        #expect(c.http.host == "127.0.0.1")
        #expect(c.http.port == 8080)
        #expect(c.webhookPath == "/webhook")
        #expect(c.publicURL == "http://127.0.0.1:8080/webhook")
        #expect(!c.publicURLWasGiven)
        #expect(c.deadlineMilliseconds == 1000)
        #expect(c.onError == .allow)
        #expect(c.http.limits.maxHeadBytes == 16 * 1024)
        #expect(c.http.limits.maxBodyBytes == 256 * 1024)
        #expect(c.authTokens == ["t"])
        #expect(c.requestLog)
        #expect(!c.skipSignature)
    }

    @Test func flagsWinOverEnvironment() throws {
        let c = try ServeConfiguration.resolve(
            flags: ["--port": "9000", "--on-error": "reject"],
            environment: token.merging(["PREHOOK_PORT": "7000", "PREHOOK_DEADLINE_MS": "250", "PREHOOK_HOST": "::1",
                                        "PREHOOK_ON_ERROR": "allow"]) { a, _ in a })
        #expect(c.http.port == 9000)
        #expect(c.onError == .reject)
        #expect(c.deadlineMilliseconds == 250)
        #expect(c.publicURL == "http://[::1]:9000/webhook")
    }

    @Test func everyOptionHasAnEnvironmentVariable() throws {
        for option in ServeConfiguration.options {
            #expect(option.environment.hasPrefix("PREHOOK_"))
            #expect(option.flag.hasPrefix("--"))
        }
        let c = try ServeConfiguration.resolve(flags: [:], environment: token.merging([
            "PREHOOK_RULES": "/r", "PREHOOK_PATH": "/p", "PREHOOK_PUBLIC_URL": "https://x.example/p", "PREHOOK_WORKERS": "3",
            "PREHOOK_MAX_HEADER_BYTES": "8192", "PREHOOK_MAX_BODY_BYTES": "65536", "PREHOOK_MAX_CONNECTIONS": "50",
            "PREHOOK_HEADER_TIMEOUT_MS": "1500", "PREHOOK_IDLE_TIMEOUT_MS": "2500", "PREHOOK_MATCH_LIMIT": "50000",
            "PREHOOK_RELOAD_POLL_MS": "0", "PREHOOK_NO_REQUEST_LOG": "1",
        ]) { a, _ in a })
        #expect(c.rulesDirectory == "/r")
        #expect(c.webhookPath == "/p")
        #expect(c.publicURL == "https://x.example/p")
        #expect(c.publicURLWasGiven)
        #expect(c.http.workers == 3)
        #expect(c.http.limits.maxHeadBytes == 8192)
        #expect(c.http.limits.maxBodyBytes == 65536)
        #expect(c.http.maxConnections == 50)
        #expect(c.http.headerTimeoutMilliseconds == 1500)
        #expect(c.http.idleTimeoutMilliseconds == 2500)
        #expect(c.matchLimit == 50000)
        #expect(c.reloadPollMilliseconds == 0)
        #expect(!c.requestLog)
    }

    @Test func badValuesAreNamedWithTheirSource() {
        func problem(_ flags: [String: String], _ env: [String: String] = ["TWILIO_AUTH_TOKEN": "t"]) -> String {
            do {
                _ = try ServeConfiguration.resolve(flags: flags, environment: env)
                return "no problem"
            } catch {
                return error.description
            }
        }
        #expect(problem(["--port": "http"]).hasPrefix("--port must be a whole number from 0 to 65535"))
        #expect(problem([:], ["TWILIO_AUTH_TOKEN": "t", "PREHOOK_DEADLINE_MS": "6000"]).hasPrefix("PREHOOK_DEADLINE_MS must be"))
        #expect(problem(["--on-error": "maybe"]) == "--on-error must be allow or reject, not 'maybe'")
        #expect(problem(["--path": "webhook"]).hasPrefix("--path must start with /"))
        #expect(problem([:], [:]).hasPrefix("TWILIO_AUTH_TOKEN is not set"))
        #expect(problem([:], ["TWILIO_AUTH_TOKEN_SECONDARY": "s"]).contains("TWILIO_AUTH_TOKEN is not"))
        #expect(problem(["--insecure-skip-signature": ""], [:]) == "no problem")
    }

    @Test func sharedKeysFromEnvironmentAndFileNeverEchoSecrets() throws {
        let c = try ServeConfiguration.resolve(
            flags: ["--shared-keys-file": "/keys"],
            environment: ["PREHOOK_SHARED_KEYS": "KY1:sec:ret, KY2:two"],
            readFile: { $0 == "/keys" ? "# comment\nKY3: three\n\n" : nil })
        #expect(c.sharedKeys == ["KY1": "sec:ret", "KY2": "two", "KY3": "three"])
        #expect(c.authTokens.isEmpty)
        do {
            _ = try ServeConfiguration.resolve(flags: [:], environment: ["PREHOOK_SHARED_KEYS": "nosecrethere"])
            Issue.record("expected a problem")
        } catch {
            #expect(!error.description.contains("nosecrethere"))
        }
    }
}

@Suite struct LogAndMetricsTests {
    @Test func iso8601TimestampsFromKnownInstants() {
        func text(_ seconds: Int, _ ms: Int) -> String {
            var out: [UInt8] = []
            CivilTime.appendISO8601(seconds: seconds, milliseconds: ms, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(0, 0) == "1970-01-01T00:00:00.000Z")
        #expect(text(951_782_400, 7) == "2000-02-29T00:00:00.007Z")
        #expect(text(1_795_558_563, 123) == "2026-11-24T22:16:03.123Z")
        #expect(text(4_102_444_799, 999) == "2099-12-31T23:59:59.999Z")
    }

    @Test func logLineIsOneJSONObject() throws {
        var line = LogLine()
        line.begin(level: "warning")
        line.field("outcome", "http_error")
        line.field("status", 413)
        line.field("problems", strings: ["a \"quoted\" problem"])
        let text = String(decoding: line.bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"time":""#))
        #expect(text.contains(#","level":"warning","outcome":"http_error","status":413,"problems":["a \"quoted\" problem"]"#))
    }

    @Test func mediaTypeMatching() {
        func matches(_ value: String) -> Bool {
            Array(value.utf8).withUnsafeBufferPointer { WebhookHandler.hasMediaType($0, Array("application/json".utf8)) }
        }
        #expect(matches("application/json"))
        #expect(matches("Application/JSON; charset=utf-8"))
        #expect(!matches("application/jsonx"))
        #expect(!matches("application/js"))
    }

    @Test func histogramBucketsAreCumulative() {
        let metrics = Metrics(workerCount: 2)
        metrics.withWorker(0) { $0.observe(latency: 50_000) }       // 50 µs
        metrics.withWorker(1) { $0.observe(latency: 2_000_000) }    // 2 ms
        metrics.withWorker(1) { $0.observe(latency: 9_000_000_000) } // 9 s: only +Inf
        let page = metrics.render(version: "v1", ruleCount: 3, openConnections: 1, uptimeSeconds: 5, signatureEnforced: true)
        #expect(page.contains(#"prehook_request_duration_seconds_bucket{le="0.0001"} 1"#))
        #expect(page.contains(#"prehook_request_duration_seconds_bucket{le="0.0025"} 2"#))
        #expect(page.contains(#"prehook_request_duration_seconds_bucket{le="5.0"} 2"#))
        #expect(page.contains(#"prehook_request_duration_seconds_bucket{le="+Inf"} 3"#))
        #expect(page.contains("prehook_request_duration_seconds_count 3"))
        #expect(page.contains(#"prehook_rules_loaded{version="v1"} 3"#))
    }
}

@Suite struct FileSafetyTests {
    @Test func warnsAboutRulesOthersCanWriteAndKeysOthersCanRead() throws {
        let directory = NSTemporaryDirectory() + "prehook-perms-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rule = directory + "/a.json5"
        let keys = NSTemporaryDirectory() + "prehook-keys-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try "{ rules: [] }".write(toFile: rule, atomically: true, encoding: .utf8)
        try "k1:secret-value".write(toFile: keys, atomically: true, encoding: .utf8)

        chmod(directory, 0o755); chmod(rule, 0o644); chmod(keys, 0o600)
        #expect(FileSafety.warnings(rulesDirectory: directory, sharedKeysFile: keys).isEmpty)

        chmod(rule, 0o666); chmod(keys, 0o640)
        let warnings = FileSafety.warnings(rulesDirectory: directory, sharedKeysFile: keys)
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.hasPrefix("\(rule) is writable by everyone (mode 0666)") })
        #expect(warnings.contains { $0.hasPrefix("\(keys) is readable or writable by group or others (mode 0640)") })
        #expect(!warnings.joined().contains("secret-value"))

        chmod(rule, 0o644); chmod(directory, 0o775)
        #expect(FileSafety.warnings(rulesDirectory: directory, sharedKeysFile: nil) == [
            "\(directory) is writable by its group (mode 0775): whoever can write the rules decides what the gateway lets through; make the rules writable by their owner only"])
    }
}
