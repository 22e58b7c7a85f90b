// swift-tools-version:6.0
// Prehook: a pre-event webhook gateway for Twilio Conversations.
// Deliberately no Swift package dependencies: the toolchain and libpcre2-8 only.
import PackageDescription

/// Release builds of the request-path modules skip the runtime exclusivity checks (swift_beginAccess on
/// accesses to class stored properties: about 6,000 instructions per request, measured with callgrind
/// on `prehook-bench --case http`). Debug builds, and so `swift test`, keep them, so an overlapping
/// access is still caught by the tests.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Prehook",
    products: [
        .executable(name: "prehook", targets: ["prehook"]),
    ],
    targets: [
        // System library: libpcre2-8 (Debian: libpcre2-dev).
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // Safe wrapper over PCRE2: compiled JIT patterns, per-worker match scratch, limits, errors.
        .target(name: "PCRE2", dependencies: ["CPCRE2"], swiftSettings: hotPath),
        // Byte-level JSON: validation, object member scanning, string escaping. No Foundation.
        .target(name: "JSONBytes", swiftSettings: hotPath),
        // Unicode/evasion folding and the word-list matcher used by block rules.
        .target(name: "TextMatch", swiftSettings: hotPath),
        // Rule files, validators, the compiled immutable pipeline and its decisions.
        .target(name: "RuleEngine", dependencies: ["PCRE2", "JSONBytes", "TextMatch"], swiftSettings: hotPath),
        // SHA-1 block compression with the x86 SHA extensions (portable Swift is used where they are missing).
        .target(name: "CSHA1"),
        // Twilio protocol: form decoding, SHA-1/SHA-256/HMAC, signatures, the event model, decision -> answer.
        .target(name: "TwilioWebhook", dependencies: ["RuleEngine", "JSONBytes", "CSHA1"], swiftSettings: hotPath),
        // The few Linux calls Glibc does not export to Swift (epoll, accept4, eventfd).
        .target(name: "CSystem"),
        // HTTP/1.1: request parser and response writer (no syscalls), epoll workers, limits, timeouts.
        // Knows nothing of Twilio or rules.
        .target(name: "HTTPServer", dependencies: ["CSystem"], swiftSettings: hotPath),
        // The app layer: wires HTTP, protocol and rule engine; serve, check and eval; metrics, logs, reload.
        .target(name: "Gateway", dependencies: ["RuleEngine", "TwilioWebhook", "JSONBytes", "HTTPServer"], swiftSettings: hotPath),
        // The CLI: argument parsing only.
        .executableTarget(name: "prehook", dependencies: ["Gateway"]),

        // Benchmarks: an allocation counter (benchmark-only) and the pipeline benchmark.
        .target(name: "MallocCounter", path: "benchmarks/MallocCounter"),
        .executableTarget(
            name: "prehook-bench",
            dependencies: ["RuleEngine", "TwilioWebhook", "Gateway", "MallocCounter", "SeededRandom"],
            path: "benchmarks/PipelineBench"
        ),
        // Accuracy of the default rules on a generated, labelled corpus (recall, decoys damaged, false blocks).
        .executableTarget(
            name: "prehook-accuracy",
            dependencies: ["RuleEngine", "TwilioWebhook", "SeededRandom"],
            path: "benchmarks/Accuracy"
        ),

        // SplitMix64 for everything that needs reproducible randomness: tests, fuzz harnesses, benchmarks.
        .target(name: "SeededRandom", path: "Tests/Support/SeededRandom"),

        // Fuzzing: the harnesses, libFuzzer's entry point (weak: a plain build links without it) and
        // the driver. Tests/fuzz/run builds them with libFuzzer and sanitizers; `swift test` replays
        // the checked-in corpora and crashers through the same harnesses.
        .target(name: "FuzzHarnesses", dependencies: ["HTTPServer", "TwilioWebhook", "RuleEngine", "JSONBytes", "PCRE2", "SeededRandom"],
                path: "Tests/fuzz/Harnesses"),
        .target(name: "CFuzzDriver", path: "Tests/fuzz/CFuzzDriver"),
        .executableTarget(name: "prehook-fuzz", dependencies: ["FuzzHarnesses", "CFuzzDriver"], path: "Tests/fuzz/Driver"),

        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"]),
        .testTarget(name: "JSONBytesTests", dependencies: ["JSONBytes"]),
        .testTarget(name: "TextMatchTests", dependencies: ["TextMatch", "SeededRandom"]),
        .testTarget(name: "RuleEngineTests", dependencies: ["RuleEngine", "PCRE2"]),
        .testTarget(name: "TwilioWebhookTests", dependencies: ["TwilioWebhook", "RuleEngine", "PCRE2", "CSHA1", "SeededRandom"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "CSystem", "SeededRandom"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "HTTPServer", "TwilioWebhook"]),
        .testTarget(name: "PrehookCLITests", dependencies: ["Gateway"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzHarnesses"]),
    ]
)
