#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import RuleEngine
import TwilioWebhook

/// The app-layer entry points the CLI calls; each returns the process exit code.
public enum Commands {
    /// `prehook check [DIR]`: prints the summary (exit 0) or one line per problem (exit 1).
    public static func check(directory: String) -> Int32 {
        let report = RuleCheck.run(directory: directory)
        for line in report.lines { print(line) }
        return report.passed ? 0 : 1
    }

    /// `prehook eval`: JSON Lines of Twilio parameters on stdin, one answer line each on stdout.
    public static func eval(rulesDirectory: String, onError: ErrorPolicy) -> Int32 {
        let pipeline: Pipeline
        do {
            pipeline = try RuleSetLoader.load(directory: rulesDirectory)
        } catch {
            printError(error.description)
            printError("prehook eval: the rules in \(rulesDirectory) do not load; run `prehook check \(rulesDirectory)`")
            return 1
        }
        var session = EvalSession(pipeline: pipeline, onError: onError)
        var stream = LineStream(input: STDIN_FILENO, output: STDOUT_FILENO)
        let maxLineBytes = stream.maxLineBytes
        do {
            try stream.forEachLine({ line, number, out in
                session.evaluate(line: line, lineNumber: number, into: &out)
            }, tooLong: { number, out in
                out.append(contentsOf: "{\"error\":\"line \(number): longer than \(maxLineBytes) bytes\"}\n".utf8)
            })
        } catch {
            printError("prehook eval: I/O error: \(error)")
            return 1
        }
        return 0
    }

    public static func printError(_ message: String) {
        var line = Array(message.utf8)
        line.append(0x0A)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
