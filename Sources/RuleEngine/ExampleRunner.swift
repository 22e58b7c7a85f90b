import JSONBytes
import PCRE2

/// Runs every rule's own examples against that rule alone, as `check` and every load do, so a rule
/// cannot go live when it misses what its author said it must catch or hits a stated near-miss.
struct ExampleRunner {
    let pipeline: Pipeline
    let limits: MatchScratch.Limits

    func run() -> [RuleProblem] {
        let ws = PipelineWorkspace(limits: limits)
        ws.begin(fieldCount: pipeline.fieldNames.count)
        var problems: [RuleProblem] = []
        for (index, rule) in pipeline.rules.enumerated() {
            func report(_ message: String) {
                problems.append(RuleProblem(file: rule.file, ruleID: rule.id, message: message))
            }
            for example in rule.examples.match {
                switch runAlone(index, on: example.text, ws) {
                case .failure(let error):
                    report("example \(quoted(example.text)) ran out of match budget (\(error.message)): simplify the pattern")
                case .success(nil):
                    report("example \(quoted(example.text)) should trigger the rule but does not")
                case .success(let output?):
                    if let expected = example.result, expected != output {
                        report("example \(quoted(example.text)) gives \(quoted(output)), expected \(quoted(expected))")
                    }
                    if case .enrich(let spec) = rule.action,
                       let lost = lostMember(source: example.text, merged: output, setKeys: spec.members.map(\.key)) {
                        report("example \(quoted(example.text)): the merge lost or changed key \(lost)")
                    }
                }
            }
            for text in rule.examples.noMatch {
                switch runAlone(index, on: text, ws) {
                case .failure(let error):
                    report("example \(quoted(text)) ran out of match budget (\(error.message)): simplify the pattern")
                case .success(let output?):
                    report("near-miss \(quoted(text)) must not trigger the rule, but it does (gives \(quoted(output)))")
                case .success(nil):
                    break
                }
            }
        }
        return problems
    }

    /// Runs one rule on `text` as its field's value. Returns the rule's output when it fires (the
    /// rewritten text, or the text itself for a rejecting block rule), `nil` when it does not.
    func runAlone(_ index: Int, on text: String, _ ws: PipelineWorkspace) -> Result<String?, PCRE2Error> {
        let rule = pipeline.rules[index]
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { value -> Result<String?, PCRE2Error> in
            ws.forgetValues()  // a new buffer may sit where the previous example's was
            do throws(PCRE2Error) {
                switch rule.action {
                case .reject:
                    return .success(try pipeline.firstHit(rule, in: value, ws) == nil ? nil : text)
                case .redact, .mask:
                    ws.spans.removeAll(keepingCapacity: true)
                    guard try pipeline.collectSpans(rule, index, in: value, ws, enforce: true) > 0 else { return .success(nil) }
                    var out: [UInt8] = []
                    _ = pipeline.applySpans(to: value, into: &out, ws)
                    return .success(String(decoding: out, as: UTF8.self))
                case .set(let newValue):
                    return .success(value.isEmpty ? String(decoding: newValue, as: UTF8.self) : nil)
                case .enrich(let spec):
                    ws.trace.removeAll(keepingCapacity: true)
                    guard pipeline.merge(spec, into: value, event: rule.events[0], ws) else { return .success(nil) }
                    return .success(String(decoding: ws.temp, as: UTF8.self))
                }
            } catch {
                return .failure(error)
            }
        }
    }

    /// The first member of `source` that `merged` lost or changed, among the keys the rule does not set.
    private func lostMember(source: String, merged: String, setKeys: [[UInt8]]) -> String? {
        func members(_ text: String) -> [(key: [UInt8], value: [UInt8])]? {
            let bytes = Array(text.utf8)
            var result: [(key: [UInt8], value: [UInt8])] = []
            let ok: Bool = bytes.withUnsafeBufferPointer { buffer in
                (try? JSON.forEachMember(ofObject: buffer) { (m) throws(JSONError) in
                    var key: [UInt8] = []
                    try JSON.appendUnescaped(stringContent: UnsafeBufferPointer(rebasing: buffer[m.keyRaw]), to: &key)
                    result.append((key, Array(buffer[m.value])))
                }) != nil
            }
            return ok ? result : nil
        }
        guard let after = members(merged) else { return "(the result is not a JSON object)" }
        for (key, value) in members(source) ?? [] where !setKeys.contains(key) {
            if !after.contains(where: { $0.key == key && $0.value == value }) { return "\"\(String(decoding: key, as: UTF8.self))\"" }
        }
        return nil
    }

    private func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        JSON.appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
