import Foundation
import Testing
import RuleEngine
@testable import Gateway

/// The repository's own Rules/ directory.
let repoRules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Rules").path

@Suite struct EvalSessionTests {
    let pipeline: Pipeline
    init() throws { pipeline = try RuleSetLoader.load(directory: repoRules) }

    func eval(_ lines: [String]) -> [String] {
        var session = EvalSession(pipeline: pipeline)
        var out: [UInt8] = []
        for (i, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBufferPointer { session.evaluate(line: $0, lineNumber: i + 1, into: &out) }
        }
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func cleanRewrittenRejectedAndBadLines() throws {
        let out = eval([
            #"{"EventType":"onMessageAdd","Body":"see you at 5","Attributes":"{}"}"#,
            #"{"EventType":"onMessageAdd","Body":"mail me: ann@example.com","Attributes":"{\"a\":1}"}"#,
            #"{"EventType":"onMessageAdd","Body":"what the fuck"}"#,
            #"{"EventType":"onMessageAdd","Body":7}"#,
            #"{"Body":"x"}"#,
            #"{"EventType":"onMessageAdded","Body":"fuck"}"#,
            "not json",
        ])
        #expect(out.count == 7)
        #expect(out[0] == #"{"status":200,"response":null,"rules":[],"monitored":[]}"#)
        let rewritten = try JSONSerialization.jsonObject(with: Data(out[1].utf8)) as! [String: Any]
        #expect(rewritten["status"] as? Int == 200)
        let response = rewritten["response"] as! [String: String]
        #expect(response["body"] == "mail me: [email]")
        #expect(response["attributes"]?.hasPrefix(#"{"a":1,"moderation":{"#) == true)
        #expect(rewritten["rules"] as? [String] == ["pii.email", "enrich.moderation"])
        #expect(out[2] == #"{"status":403,"response":null,"rules":["profanity.block"],"monitored":[],"reason":"profanity"}"#)
        #expect(out[3].hasPrefix(#"{"error":"line 4: not a JSON object of string values"#))
        #expect(out[4] == #"{"error":"line 5: missing EventType"}"#)
        #expect(out[5] == #"{"status":200,"response":null,"rules":[],"monitored":[],"evaluated":false}"#)
        #expect(out[6].hasPrefix(#"{"error":"line 7: "#))
    }
}

@Suite struct LineStreamTests {
    /// Feeds `input` through a pipe and collects what `forEachLine` hands over.
    func lines(_ input: [UInt8], maxLineBytes: Int = 1 << 20) throws -> (lines: [String], output: String) {
        let inPipe = Pipe()
        // Output goes to a file: a pipe nobody drains would fill up and stall the stream.
        let outPath = NSTemporaryDirectory() + "prehook-lines-" + UUID().uuidString
        FileManager.default.createFile(atPath: outPath, contents: nil)
        let outFile = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let writer = Thread {
            inPipe.fileHandleForWriting.write(Data(input))
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        var stream = LineStream(input: inPipe.fileHandleForReading.fileDescriptor, output: outFile.fileDescriptor, maxLineBytes: maxLineBytes)
        var seen: [String] = []
        try stream.forEachLine({ line, number, out in
            seen.append("\(number):" + String(decoding: line, as: UTF8.self))
            out.append(contentsOf: "ok\n".utf8)
        }, tooLong: { number, out in
            seen.append("\(number):<too long>")
        })
        try outFile.close()
        let output = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        return (seen, output)
    }

    @Test func splitsLinesHandlesCRLFBlankLinesAndNoFinalNewline() throws {
        let result = try lines(Array("a\r\n\n  \nb\nc".utf8))
        #expect(result.lines == ["1:a", "4:b", "5:c"])
        #expect(result.output == "ok\nok\nok\n")
    }

    @Test func largeInputsStreamAcrossReadBoundaries() throws {
        var input: [UInt8] = []
        for i in 0..<50_000 { input.append(contentsOf: "line \(i) \(String(repeating: "x", count: i % 50))\n".utf8) }
        let result = try lines(input)
        #expect(result.lines.count == 50_000)
        #expect(result.lines[49_999].hasPrefix("50000:line 49999 "))
    }

    @Test func overLongLinesAreReportedAndSkipped() throws {
        let input = Array(("short\n" + String(repeating: "y", count: 300_000) + "\nafter\n").utf8)
        let result = try lines(input, maxLineBytes: 1_000)
        #expect(result.lines == ["1:short", "2:<too long>", "3:after"])
    }
}
