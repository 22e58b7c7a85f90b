import Gateway
import TwilioWebhook
#if canImport(Glibc)
import Glibc
#endif

/// The `prehook` command line: parses arguments by hand (no packages) and calls the app layer.
let usage = """
usage: prehook <command> [options]

commands:
  check [DIR]                 load the rules in DIR (default: Rules), compile them and run every
                              rule's examples; prints a summary, or one line per problem (exit 1)
  eval [--rules DIR]          read JSON Lines of Twilio parameters on stdin, e.g.
       [--on-error allow|reject]  {"EventType":"onMessageAdd","Body":"hi","Attributes":"{}"}
                              and write what the webhook would answer, one JSON line each
  help                        show this text
"""

struct UsageError: Error { let message: String }

func parseOptions(_ args: ArraySlice<String>, known: Set<String>) throws(UsageError) -> (options: [String: String], positional: [String]) {
    var options: [String: String] = [:]
    var positional: [String] = []
    var rest = args
    while let arg = rest.popFirst() {
        if arg.hasPrefix("--") {
            var name = arg, value: String?
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                value = String(arg[arg.index(after: eq)...])
            }
            guard known.contains(name) else { throw UsageError(message: "unknown option \(name)") }
            if value == nil {
                guard let next = rest.popFirst() else { throw UsageError(message: "\(name) needs a value") }
                value = next
            }
            options[name] = value
        } else {
            positional.append(arg)
        }
    }
    return (options, positional)
}

func run(_ arguments: [String]) -> Int32 {
    guard let command = arguments.dropFirst().first else {
        Commands.printError(usage)
        return 2
    }
    let rest = arguments.dropFirst(2)
    do throws(UsageError) {
        switch command {
        case "check":
            let parsed = try parseOptions(rest, known: [])
            guard parsed.positional.count <= 1 else { throw UsageError(message: "check takes one directory") }
            return Commands.check(directory: parsed.positional.first ?? "Rules")
        case "eval":
            let parsed = try parseOptions(rest, known: ["--rules", "--on-error"])
            guard parsed.positional.isEmpty else { throw UsageError(message: "eval reads its input from stdin; unexpected \(parsed.positional[0])") }
            let policyName = parsed.options["--on-error"] ?? ErrorPolicy.allow.rawValue
            guard let policy = ErrorPolicy(rawValue: policyName) else { throw UsageError(message: "--on-error must be allow or reject") }
            return Commands.eval(rulesDirectory: parsed.options["--rules"] ?? "Rules", onError: policy)
        case "help", "--help", "-h":
            print(usage)
            return 0
        default:
            throw UsageError(message: "unknown command '\(command)'")
        }
    } catch {
        Commands.printError("prehook: \(error.message)\n\n\(usage)")
        return 2
    }
}

exit(run(CommandLine.arguments))
