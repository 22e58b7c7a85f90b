import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `prehook serve` as a real process: start-up checks, `prehook sign` with curl as the peer, reload
/// on file change and SIGHUP, graceful SIGTERM, and logs free of secrets and personal data.
@Suite(.serialized) struct ServeProcessTests {
    static let token = "cli-test-token-5f2a"
    static let publicURL = "https://gw.example.com/hook"

    final class Gateway {
        let process = Process()
        let logPath = NSTemporaryDirectory() + "prehook-serve-log-" + UUID().uuidString
        var port = 0

        init(rules: String, extra: [String] = [], environment: [String: String] = ["TWILIO_AUTH_TOKEN": ServeProcessTests.token]) throws {
            FileManager.default.createFile(atPath: logPath, contents: nil)
            process.executableURL = CLITests.binary
            process.arguments = ["serve", "--rules", rules, "--port", "0", "--workers", "2", "--path", "/hook",
                                 "--public-url", ServeProcessTests.publicURL, "--reload-poll-ms", "100"] + extra
            process.environment = environment
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        var log: String { String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self) }

        /// Waits for the `listening` line and reads the port from it.
        func waitUntilListening() throws {
            for _ in 0..<200 {
                if let line = log.split(separator: "\n").first(where: { $0.contains("\"listening\"") }),
                   let range = line.range(of: #""address":"127.0.0.1:"#) {
                    port = Int(line[range.upperBound...].prefix(while: \.isNumber))!
                    return
                }
                guard process.isRunning else { throw CLIFailure("serve exited: \(log)") }
                usleep(25_000)
            }
            throw CLIFailure("serve did not start: \(log)")
        }

        func stop() -> Int32 {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
    }

    struct CLIFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// curl as the real HTTP peer: returns status code and body.
    func curl(_ args: [String]) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "5"] + args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let split = text.lastIndex(of: "\n")!
        return (Int(text[text.index(after: split)...]) ?? -1, String(text[..<split]))
    }

    func sign(_ params: [String]) throws -> String {
        let run = try CLITests().prehook(["sign", "--url", ServeProcessTests.publicURL, "--token", ServeProcessTests.token] + params)
        #expect(run.status == 0)
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A signed form POST through curl (curl does the form encoding).
    func post(_ gateway: Gateway, _ params: [String]) throws -> (status: Int, body: String) {
        let signature = try sign(params)
        return try curl(["-H", "X-Twilio-Signature: \(signature)"] + params.flatMap { ["--data-urlencode", $0] }
                        + ["http://127.0.0.1:\(gateway.port)/hook"])
    }

    func rulesCopy() throws -> String {
        let dir = NSTemporaryDirectory() + "prehook-serve-cli-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: CLITests.root.appendingPathComponent("Rules").path, toPath: dir)
        return dir
    }

    @Test func refusesToStartWithoutAToken() throws {
        let run = try CLITests().prehook(["serve", "--port", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("TWILIO_AUTH_TOKEN is not set"))
    }

    @Test func insecureModeWarnsAtStartAndOnHealth() throws {
        let gateway = try Gateway(rules: CLITests.root.appendingPathComponent("Rules").path, extra: ["--insecure-skip-signature"], environment: [:])
        try gateway.waitUntilListening()
        #expect(gateway.log.contains("\"level\":\"warning\""))
        #expect(gateway.log.contains("insecure-skip-signature"))
        let health = try curl(["http://127.0.0.1:\(gateway.port)/healthz"])
        #expect(health.body.contains("\"signature_check\":\"DISABLED\""))
        let unsigned = try curl(["--data-urlencode", "EventType=onMessageAdd", "--data-urlencode", "Body=hello",
                                 "http://127.0.0.1:\(gateway.port)/hook"])
        #expect(unsigned.status == 200)
        #expect(gateway.stop() == 0)
    }

    @Test func servesSignedRequestsReloadsAndStopsGracefully() throws {
        let rules = try rulesCopy()
        let gateway = try Gateway(rules: rules)
        try gateway.waitUntilListening()
        let base = "http://127.0.0.1:\(gateway.port)"

        let pii = try post(gateway, ["EventType=onMessageAdd", "Body=call me on +44 7911 123456 or jane.doe@example.com",
                                     "Author=alice", "Attributes={}"])
        #expect(pii.status == 200)
        #expect(pii.body.contains("\"body\":"))
        #expect(!pii.body.contains("jane.doe@example.com"))
        #expect(!pii.body.contains("7911 123456"))
        let forged = try curl(["-H", "X-Twilio-Signature: bm9wZQ==", "--data-urlencode", "EventType=onMessageAdd",
                               "--data-urlencode", "Body=hi", base + "/hook"])
        #expect(forged.status == 403)

        // A changed file is picked up by polling.
        let firstVersion = try versionFromHealth(base)
        try """
            { rules: [{ id: 'block.zebra', kind: 'block', description: 'd', pattern: 'zebra', reason: 'r',
                        examples: { match: ['zebra'], noMatch: ['horse'] } }] }
            """.write(toFile: rules + "/zz-extra.json5", atomically: true, encoding: .utf8)
        let secondVersion = try waitForVersionChange(base, from: firstVersion)
        #expect(try post(gateway, ["EventType=onMessageAdd", "Body=a zebra"]).status == 403)

        // A broken file keeps the last good set and is counted.
        try "{ rules: [ { id: ".write(toFile: rules + "/zz-extra.json5", atomically: true, encoding: .utf8)
        usleep(600_000)
        #expect(try versionFromHealth(base) == secondVersion)
        #expect(try post(gateway, ["EventType=onMessageAdd", "Body=a zebra"]).status == 403)
        let metrics = try curl([base + "/metrics"]).body
        #expect(metrics.contains(#"prehook_rule_reloads_total{result="failure"} 1"#))

        // SIGHUP reloads on demand (polling off would not matter here: the file is fixed and signalled).
        try FileManager.default.removeItem(atPath: rules + "/zz-extra.json5")
        kill(gateway.process.processIdentifier, SIGHUP)
        _ = try waitForVersionChange(base, from: secondVersion)
        #expect(try versionFromHealth(base) == firstVersion)

        #expect(gateway.stop() == 0)
        let log = gateway.log
        #expect(log.contains("\"msg\":\"stopped\""))
        #expect(log.contains("\"outcome\":\"rewritten\""))
        #expect(log.contains("\"rules\":[\"pii.email\""))
        // Nothing personal, nothing secret.
        for secret in [ServeProcessTests.token, "jane.doe", "7911", "a zebra", "alice", "call me"] {
            #expect(!log.contains(secret), "log contains \(secret)")
        }
    }

    /// A rule that backtracks catastrophically on some input: the request is answered by the error
    /// policy well within the deadline, the rule is named in the log and counted in the metrics, and
    /// `check` refuses the same rule when one of its own examples is such an input.
    @Test func catastrophicRuleHitsTheBudgetAndIsReported() throws {
        let rules = NSTemporaryDirectory() + "prehook-serve-evil-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try """
            { rules: [{ id: 'evil.nested', kind: 'redact', description: 'nested quantifiers', pattern: '(a+)+$',
                        replacement: 'x', examples: { match: ['aaa'], noMatch: ['b'] } }] }
            """.write(toFile: rules + "/evil.json5", atomically: true, encoding: .utf8)
        for (policy, expected) in [("allow", 200), ("reject", 503)] {
            let gateway = try Gateway(rules: rules, extra: ["--on-error", policy, "--deadline-ms", "1000"])
            try gateway.waitUntilListening()
            let started = Date()
            let answer = try post(gateway, ["EventType=onMessageAdd", "Body=" + String(repeating: "a", count: 5_000) + "!"])
            let seconds = Date().timeIntervalSince(started)
            #expect(answer.status == expected)
            #expect(seconds < 1.0, "answered after \(seconds) s, past the 1 s deadline")
            let metrics = try curl(["http://127.0.0.1:\(gateway.port)/metrics"]).body
            #expect(metrics.contains(#"prehook_rule_failures_total{rule="evil.nested",reason="match_limit"} 1"#))
            #expect(gateway.stop() == 0)
            #expect(gateway.log.contains(#""failed_rule":"evil.nested","failure":"match_limit""#))
            #expect(!gateway.log.contains("aaaaaaaa"))
        }

        // The same pattern with the bad input among its own examples: `check` refuses it, naming it.
        try """
            { rules: [{ id: 'evil.nested', kind: 'redact', description: 'nested quantifiers', pattern: '(a+)+$',
                        replacement: 'x', examples: { match: ['aaa'], noMatch: ['\(String(repeating: "a", count: 5_000))!'] } }] }
            """.write(toFile: rules + "/evil.json5", atomically: true, encoding: .utf8)
        let check = try CLITests().prehook(["check", rules])
        #expect(check.status == 1)
        #expect(check.stdout.contains("evil.nested") && check.stdout.contains("ran out of match budget"), "\(check.stdout)")
    }

    func versionFromHealth(_ base: String) throws -> String {
        let health = try curl([base + "/healthz"])
        let json = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as! [String: Any]
        return json["rules_version"] as! String
    }

    func waitForVersionChange(_ base: String, from old: String) throws -> String {
        for _ in 0..<100 {
            let version = try versionFromHealth(base)
            if version != old { return version }
            usleep(50_000)
        }
        throw CLIFailure("rules version did not change from \(old)")
    }
}
