/// A fuzz target: takes arbitrary bytes, must not crash, hang or leak, and stops the process
/// (`fatalError`) when one of its own checks finds a broken invariant, so libFuzzer keeps the input.
///
/// The same functions serve libFuzzer (`Tests/fuzz/run` builds `prehook-fuzz` with the fuzzer and
/// sanitizers) and `swift test`, which replays the checked-in corpora and every kept crasher.
public struct FuzzHarness: Sendable {
    public let name: String
    public let summary: String
    public let run: @Sendable (UnsafeBufferPointer<UInt8>) -> Void

    public static let all: [FuzzHarness] = [
        FuzzHarness(name: "http-parser", summary: "HTTP/1.1 request parser: any bytes, split at any points, give the same requests and errors as in one piece",
                    run: HTTPParserHarness.run),
        FuzzHarness(name: "form-signature", summary: "form decoder and X-Twilio-Signature check: what decodes verifies against the signer, forgeries fail",
                    run: FormSignatureHarness.run),
        FuzzHarness(name: "rules-loader", summary: "rule loader: any JSON5 rule file and word list load or give problems",
                    run: RulesLoaderHarness.run),
        FuzzHarness(name: "pipeline", summary: "default rules on any fields (UTF-8 or not): same answer twice, rewritten answers are valid JSON",
                    run: PipelineHarness.run),
    ]

    public static func named(_ name: String) -> FuzzHarness? { all.first { $0.name == name } }
}

/// Stops the process with a message naming the broken invariant (never the input: it may be large).
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
               file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("fuzz invariant broken: \(message())", file: file, line: line) }
}
