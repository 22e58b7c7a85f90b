import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests of the built `prehook` executable.
@Suite struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `prehook` binary next to this test bundle (SwiftPM builds it before the tests).
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("prehook").path) && dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("prehook")
    }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    func prehook(_ args: [String], stdin: String = "") throws -> Run {
        signal(SIGPIPE, SIG_IGN)  // writing stdin to a child that already exited must be an error, not death
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = args
        process.currentDirectoryURL = CLITests.root
        let input = Pipe(), output = Pipe()
        // stderr goes to a file so neither stream can fill up and stall the child.
        let errorPath = NSTemporaryDirectory() + "prehook-stderr-" + UUID().uuidString
        FileManager.default.createFile(atPath: errorPath, contents: nil)
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let writer = Thread {
            // The throwing write: a child that exits without reading stdin must not crash the tests (EPIPE).
            if !stdin.isEmpty { try? input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try error.close()
        let errStore = FileManager.default.contents(atPath: errorPath) ?? Data()
        return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: errStore, as: UTF8.self))
    }

    @Test func checkPassesOnTheShippedRules() throws {
        let run = try prehook(["check", "Rules"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("rule set "))
        #expect(run.stdout.contains("examples: "))
    }

    @Test func checkFailsWithOneLinePerProblem() throws {
        let dir = NSTemporaryDirectory() + "prehook-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{ rules: [{ id: 'x', kind: 'redact', description: 'd', pattern: '(', replacement: 'y', examples: { match: ['a'], noMatch: ['b'] }, colour: 1 }] }"
            .write(toFile: dir + "/bad.json5", atomically: true, encoding: .utf8)
        let run = try prehook(["check", dir])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("bad.json5: x: pattern does not compile: missing closing parenthesis"))
        #expect(lines[1].hasPrefix("bad.json5: x: 'colour' is not a key of redact rules"))
        #expect(lines[2] == "2 problems in \(dir)")
    }

    @Test func evalStreamsJSONLines() throws {
        let input = """
            {"EventType":"onMessageAdd","Body":"hi there","Attributes":"{}"}
            {"EventType":"onMessageAdd","Body":"card 4111 1111 1111 1111","Attributes":"{}"}
            broken
            """
        let run = try prehook(["eval", "--rules", "Rules"], stdin: input)
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"status":200,"response":null,"rules":[],"monitored":[]}"#)
        #expect(lines[1].contains(#""body":"card [card ending 1111]""#))
        #expect(lines[2].hasPrefix(#"{"error":"line 3: "#))
    }

    @Test func usageErrorsExitWith2() throws {
        #expect(try prehook([]).status == 2)
        #expect(try prehook(["frobnicate"]).status == 2)
        #expect(try prehook(["eval", "--bogus", "1"]).stderr.contains("unknown option --bogus"))
        #expect(try prehook(["eval", "--on-error", "maybe"]).status == 2)
        #expect(try prehook(["help"]).status == 0)
    }

    @Test func evalRefusesBrokenRules() throws {
        let run = try prehook(["eval", "--rules", "/nonexistent"], stdin: "{}")
        #expect(run.status == 1)
        #expect(run.stderr.contains("do not load"))
    }
}
