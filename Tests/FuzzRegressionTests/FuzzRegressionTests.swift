import Foundation
import Testing
@testable import FuzzHarnesses

/// Every checked-in seed and every input a fuzzer ever crashed on, replayed through its harness on
/// each `swift test`. A harness stops the process on a broken invariant, so a regression fails loudly.
@Suite struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz")

    static func inputs(_ kind: String, _ harness: String) throws -> [(name: String, data: Data)] {
        let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(harness)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        return try names.map { ($0, try Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    @Test(arguments: FuzzHarness.all.map(\.name))
    func corpusAndCrashersReplay(_ name: String) throws {
        let harness = try #require(FuzzHarness.named(name))
        let seeds = try FuzzRegressionTests.inputs("corpus", name)
        #expect(seeds.count >= 5, "the seed corpus of \(name) is missing")
        for input in try seeds + FuzzRegressionTests.inputs("crashers", name) {
            input.data.withUnsafeBytes { harness.run($0.bindMemory(to: UInt8.self)) }
        }
    }

    /// The harnesses' own checks must be able to fire: a parser fed the same bytes split differently
    /// agrees, and the events it reports are the requests in the stream.
    @Test func httpHarnessSeesEveryPipelinedRequest() {
        let stream = Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGARBAGE\r\n\r\n".utf8)
        let whole = stream.withUnsafeBufferPointer { HTTPParserHarness.events($0, seed: nil) }
        let split = stream.withUnsafeBufferPointer { HTTPParserHarness.events($0, seed: 7) }
        #expect(whole == split)
        #expect(whole.count == 3)
        guard whole.count == 3, case .request(let first) = whole[0], case .request(let second) = whole[1] else {
            Issue.record("expected two requests then an error, got \(whole)")
            return
        }
        #expect(first.length == 28 && second.head.contentLength == 2)
        #expect(whole[2] == .invalid(status: 400))
    }
}
