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
  serve [options]             run the webhook gateway (needs TWILIO_AUTH_TOKEN); options below
  sign --url URL [--token T] [key=value ...]
                              print the X-Twilio-Signature Twilio would send for a form POST of
                              these parameters to URL (token: --token or TWILIO_AUTH_TOKEN)
  help                        show this text
"""

/// The serve options, listed from ``ServeConfiguration/options`` so help and parsing never drift.
let serveUsage = "serve options (each also an environment variable; flags win):\n"
    + ServeConfiguration.options.map { option in
        let flag = option.takesValue ? "\(option.flag) V" : option.flag
        return "  " + flag.padding(30) + option.help + "\n" + String(repeating: " ", count: 33) + "env " + option.environment
    }.joined(separator: "\n")
    + "\n  secrets (environment only): TWILIO_AUTH_TOKEN, TWILIO_AUTH_TOKEN_SECONDARY (during a rotation),\n"
    + "  PREHOOK_SHARED_KEYS=id:secret,... (Twilio SharedKey HMAC_SHA256 secrets)\n"

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

struct UsageError: Error { let message: String }

/// `--name value`, `--name=value`, and switches (`--name`, recorded as "").
func parseOptions(_ args: ArraySlice<String>, known: Set<String>, switches: Set<String> = []) throws(UsageError) -> (options: [String: String], positional: [String]) {
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
            if switches.contains(name) {
                guard value == nil else { throw UsageError(message: "\(name) takes no value") }
                options[name] = ""
                continue
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
        case "serve":
            let valued = Set(ServeConfiguration.options.filter(\.takesValue).map(\.flag))
            let switches = Set(ServeConfiguration.options.filter { !$0.takesValue }.map(\.flag))
            let parsed = try parseOptions(rest, known: valued, switches: switches)
            guard parsed.positional.isEmpty else { throw UsageError(message: "serve takes no arguments; unexpected \(parsed.positional[0])") }
            let configuration: ServeConfiguration
            do {
                configuration = try ServeConfiguration.resolve(flags: parsed.options, environment: ProcessEnvironment.all(),
                                                               readFile: ProcessEnvironment.readFile)
            } catch {
                Commands.printError("prehook serve: \(error)")
                return 2
            }
            return Serve.run(configuration)
        case "sign":
            let parsed = try parseOptions(rest, known: ["--url", "--token"])
            guard let url = parsed.options["--url"] else { throw UsageError(message: "sign needs --url") }
            guard let token = parsed.options["--token"] ?? ProcessEnvironment.all()["TWILIO_AUTH_TOKEN"], !token.isEmpty else {
                throw UsageError(message: "sign needs --token or TWILIO_AUTH_TOKEN")
            }
            var parameters: [(String, String)] = []
            for pair in parsed.positional {
                guard let eq = pair.firstIndex(of: "=") else { throw UsageError(message: "parameters are key=value, not '\(pair)'") }
                parameters.append((String(pair[..<eq]), String(pair[pair.index(after: eq)...])))
            }
            print(SignatureVerifier.sign(url: url, parameters: parameters, token: token))
            return 0
        case "help", "--help", "-h":
            print(usage + "\n" + serveUsage)
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
