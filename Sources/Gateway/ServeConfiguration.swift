import HTTPServer
import PCRE2
import TwilioWebhook

/// Everything `prehook serve` runs with, resolved from flags, then `PREHOOK_*` environment variables,
/// then defaults. Secrets come from the environment (or a key file) only, never from flags, so they
/// do not show in `ps`.
public struct ServeConfiguration: Sendable {
    public var rulesDirectory = "Rules"
    public var http = HTTPServerConfiguration()
    public var webhookPath = "/webhook"
    /// The exact URL configured in Twilio; signatures are computed over it.
    public var publicURL = ""
    public var publicURLWasGiven = false
    public var deadlineMilliseconds = 1000
    public var onError: ErrorPolicy = .allow
    public var matchLimit: UInt32 = MatchScratch.Limits.default.matchLimit
    /// How often to look for changed rule files (0: only on SIGHUP).
    public var reloadPollMilliseconds = 1000
    public var requestLog = true
    public var skipSignature = false
    /// Where the shared keys came from, if a file: its permissions are checked at start.
    public var sharedKeysFile: String?
    public var authTokens: [String] = []
    public var sharedKeys: [String: String] = [:]

    /// One option: its flag, its environment variable, and what it means (for `help` and errors).
    public struct Option: Sendable {
        public let flag: String
        public let environment: String
        public let takesValue: Bool
        public let help: String
    }

    public static let options: [Option] = [
        Option(flag: "--rules", environment: "PREHOOK_RULES", takesValue: true, help: "rules directory (default Rules)"),
        Option(flag: "--host", environment: "PREHOOK_HOST", takesValue: true, help: "listen address (default 127.0.0.1)"),
        Option(flag: "--port", environment: "PREHOOK_PORT", takesValue: true, help: "listen port (default 8080; 0 picks one)"),
        Option(flag: "--path", environment: "PREHOOK_PATH", takesValue: true, help: "webhook path (default /webhook)"),
        Option(flag: "--public-url", environment: "PREHOOK_PUBLIC_URL", takesValue: true, help: "the URL configured in Twilio, used for signatures (default http://HOST:PORT/PATH)"),
        Option(flag: "--workers", environment: "PREHOOK_WORKERS", takesValue: true, help: "worker threads (default: one per core)"),
        Option(flag: "--max-header-bytes", environment: "PREHOOK_MAX_HEADER_BYTES", takesValue: true, help: "request line + headers limit (default 16384; 431 past it)"),
        Option(flag: "--max-body-bytes", environment: "PREHOOK_MAX_BODY_BYTES", takesValue: true, help: "body limit (default 262144; 413 past it)"),
        Option(flag: "--max-connections", environment: "PREHOOK_MAX_CONNECTIONS", takesValue: true, help: "open connections limit (default 10000; 503 past it)"),
        Option(flag: "--header-timeout-ms", environment: "PREHOOK_HEADER_TIMEOUT_MS", takesValue: true, help: "time to receive a whole request (default 5000; 408 past it)"),
        Option(flag: "--idle-timeout-ms", environment: "PREHOOK_IDLE_TIMEOUT_MS", takesValue: true, help: "idle keep-alive timeout (default 60000)"),
        Option(flag: "--deadline-ms", environment: "PREHOOK_DEADLINE_MS", takesValue: true, help: "budget per request for the rules (default 1000; Twilio waits 5000)"),
        Option(flag: "--on-error", environment: "PREHOOK_ON_ERROR", takesValue: true, help: "allow|reject: the answer when a rule fails or the budget runs out (default allow)"),
        Option(flag: "--match-limit", environment: "PREHOOK_MATCH_LIMIT", takesValue: true, help: "PCRE2 match limit per rule and field (default 1000000)"),
        Option(flag: "--reload-poll-ms", environment: "PREHOOK_RELOAD_POLL_MS", takesValue: true, help: "check the rules directory for changes this often (default 1000; 0: SIGHUP only)"),
        Option(flag: "--shared-keys-file", environment: "PREHOOK_SHARED_KEYS_FILE", takesValue: true, help: "file of `id:secret` lines (Twilio SharedKey HMAC_SHA256 secrets)"),
        Option(flag: "--no-request-log", environment: "PREHOOK_NO_REQUEST_LOG", takesValue: false, help: "do not write a log line per request"),
        Option(flag: "--insecure-skip-signature", environment: "PREHOOK_INSECURE_SKIP_SIGNATURE", takesValue: false, help: "accept unsigned requests (testing only; warns at start and on /healthz)"),
    ]

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public init() {}

    /// Resolves `flags` (flag name to value; `""` for switches) over `environment` over defaults.
    /// `readFile` reads the shared-keys file (injected for tests).
    public static func resolve(flags: [String: String], environment: [String: String],
                               readFile: (String) -> String? = { _ in nil }) throws(Problem) -> ServeConfiguration {
        var c = ServeConfiguration()
        func value(_ flag: String) -> (String, from: String)? {
            let option = options.first { $0.flag == flag }!
            if let v = flags[flag] { return (v, flag) }
            if let v = environment[option.environment], !v.isEmpty { return (v, option.environment) }
            return nil
        }
        func integer(_ flag: String, _ range: ClosedRange<Int>) throws(Problem) -> Int? {
            guard let (text, source) = value(flag) else { return nil }
            guard let n = Int(text), range.contains(n) else {
                throw Problem("\(source) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return n
        }
        func isOn(_ flag: String) throws(Problem) -> Bool {
            guard let (text, source) = value(flag) else { return false }
            switch text.lowercased() {
            case "", "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw Problem("\(source) must be 1 or 0, not '\(text)'")
            }
        }

        if let (v, _) = value("--rules") { c.rulesDirectory = v }
        if let (v, _) = value("--host") { c.http.host = v }
        if let n = try integer("--port", 0...65535) { c.http.port = n }
        if let (v, source) = value("--path") {
            guard v.hasPrefix("/"), !v.contains("?"), !v.contains(" ") else { throw Problem("\(source) must start with / and hold no query, not '\(v)'") }
            c.webhookPath = v
        }
        if let n = try integer("--workers", 1...256) { c.http.workers = n }
        if let n = try integer("--max-header-bytes", 1024...1_048_576) { c.http.limits.maxHeadBytes = n }
        if let n = try integer("--max-body-bytes", 1024...16_777_216) { c.http.limits.maxBodyBytes = n }
        if let n = try integer("--max-connections", 1...1_000_000) { c.http.maxConnections = n }
        if let n = try integer("--header-timeout-ms", 100...600_000) { c.http.headerTimeoutMilliseconds = n }
        if let n = try integer("--idle-timeout-ms", 100...3_600_000) { c.http.idleTimeoutMilliseconds = n }
        if let n = try integer("--deadline-ms", 1...4_900) { c.deadlineMilliseconds = n }
        if let (v, source) = value("--on-error") {
            guard let policy = ErrorPolicy(rawValue: v) else { throw Problem("\(source) must be allow or reject, not '\(v)'") }
            c.onError = policy
        }
        if let n = try integer("--match-limit", 1_000...100_000_000) { c.matchLimit = UInt32(n) }
        if let n = try integer("--reload-poll-ms", 0...3_600_000) { c.reloadPollMilliseconds = n }
        c.requestLog = try !isOn("--no-request-log")
        c.skipSignature = try isOn("--insecure-skip-signature")

        if let (v, _) = value("--public-url") {
            c.publicURL = v
            c.publicURLWasGiven = true
        } else {
            let host = c.http.host.contains(":") ? "[\(c.http.host)]" : c.http.host
            c.publicURL = "http://\(host):\(c.http.port)\(c.webhookPath)"
        }

        for name in ["TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN_SECONDARY"] {
            if let token = environment[name], !token.isEmpty { c.authTokens.append(token) }
        }
        if environment["TWILIO_AUTH_TOKEN_SECONDARY"]?.isEmpty == false && environment["TWILIO_AUTH_TOKEN"]?.isEmpty != false {
            throw Problem("TWILIO_AUTH_TOKEN_SECONDARY is set but TWILIO_AUTH_TOKEN is not")
        }
        if let list = environment["PREHOOK_SHARED_KEYS"], !list.isEmpty {
            try parseSharedKeys(list.split(separator: ",").map(String.init), source: "PREHOOK_SHARED_KEYS", into: &c.sharedKeys)
        }
        if let (path, source) = value("--shared-keys-file") {
            guard let text = readFile(path) else { throw Problem("\(source): cannot read \(path)") }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            try parseSharedKeys(lines, source: path, into: &c.sharedKeys)
            c.sharedKeysFile = path
        }
        if c.authTokens.isEmpty && c.sharedKeys.isEmpty && !c.skipSignature {
            throw Problem("TWILIO_AUTH_TOKEN is not set: requests cannot be verified. Set it (and TWILIO_AUTH_TOKEN_SECONDARY during a rotation), or pass --insecure-skip-signature for local testing only")
        }
        return c
    }

    /// `id:secret` entries (the secret may itself contain ':').
    static func parseSharedKeys(_ entries: [String], source: String, into keys: inout [String: String]) throws(Problem) {
        for (n, entry) in entries.enumerated() {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw Problem("\(source): entry \(n + 1) is not id:secret")  // never echo the entry: it holds a secret
            }
            keys[parts[0].trimmingCharacters()] = parts[1].trimmingCharacters()
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (no Foundation).
    func trimmingCharacters() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { return "" }
        let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
