import JSONBytes
import PCRE2
import TextMatch

/// The compiled rule set: immutable, shared by all workers, swapped whole on reload.
///
/// One evaluation runs, for the event's rules: block rules first (an enforced block rejects at once:
/// reject beats rewrite), then the redact and mask rules of each field (their matches applied left to
/// right without overlapping), then `set` rules, then `enrich` rules. A message that triggers nothing
/// touches no allocator.
public final class Pipeline: Sendable {
    /// Short hash of the rule files and word lists: shows in `check`, logs and metrics.
    public let version: String
    /// The rule files, in load order.
    public let files: [String]
    public let rules: [Rule]
    /// Every parameter some rule reads.
    public let fieldNames: [FieldName]

    /// The rules one event type runs, grouped by stage. A class so an evaluation takes one
    /// reference to it instead of copying (retaining) its five arrays.
    final class EventPlan: Sendable {
        let blocks: [Int]
        let rewriteGroups: [(field: Int, rules: [Int])]
        let sets: [Int]
        let enrich: [Int]
        /// Answer key bytes per field index, for fields this event may change.
        let answerKeys: [[UInt8]?]
        /// The fields these rules read (indices into `fieldNames`), each once: looked up once per
        /// evaluation instead of once per rule.
        let fields: [Int]

        init(blocks: [Int], rewriteGroups: [(field: Int, rules: [Int])], sets: [Int], enrich: [Int], answerKeys: [[UInt8]?],
             fields: [Int]) {
            self.blocks = blocks
            self.rewriteGroups = rewriteGroups
            self.sets = sets
            self.enrich = enrich
            self.answerKeys = answerKeys
            self.fields = fields
        }
    }
    let plans: [EventPlan]
    let encodedIDs: [[UInt8]]
    let encodedVersion: [UInt8]
    let encodedEvents: [[UInt8]]

    init(version: String, files: [String], drafts: [RuleDraft]) {
        var fieldNames: [FieldName] = []
        func fieldIndex(_ name: String) -> Int {
            if let existing = fieldNames.first(where: { $0.name == name }) { return existing.index }
            fieldNames.append(FieldName(name: name, utf8: Array(name.utf8), index: fieldNames.count))
            return fieldNames.count - 1
        }
        let rules = drafts.enumerated().map { index, draft in
            Rule(id: draft.id!, description: draft.description, kind: draft.kind, mode: draft.mode,
                 events: draft.events, field: draft.field, file: draft.file, reason: draft.reason,
                 fieldIndex: fieldIndex(draft.field), matcher: draft.matcher, prefilter: draft.prefilter,
                 wordsKey: draft.wordsSource.map { source in drafts.firstIndex { $0.wordsSource == source }! },
                 action: draft.action, examples: draft.examples)
        }
        var plans: [EventPlan] = []
        for event in PreEventType.allCases {
            var blocks: [Int] = [], rewriteGroups: [(field: Int, rules: [Int])] = [], sets: [Int] = [], enrich: [Int] = []
            for (index, rule) in rules.enumerated() where rule.events.contains(event) {
                switch rule.action {
                case .reject: blocks.append(index)
                case .redact, .mask:
                    if let group = rewriteGroups.firstIndex(where: { $0.field == rule.fieldIndex }) {
                        rewriteGroups[group].rules.append(index)
                    } else {
                        rewriteGroups.append((rule.fieldIndex, [index]))
                    }
                case .set: sets.append(index)
                case .enrich: enrich.append(index)
                }
            }
            let answerKeys = fieldNames.map { field in event.answerKey(forField: field.name).map { Array($0.utf8) } }
            var read: [Int] = []
            for index in blocks + rewriteGroups.flatMap(\.rules) + sets + enrich where !read.contains(rules[index].fieldIndex) {
                read.append(rules[index].fieldIndex)
            }
            plans.append(EventPlan(blocks: blocks, rewriteGroups: rewriteGroups, sets: sets, enrich: enrich, answerKeys: answerKeys,
                                   fields: read))
        }
        func encoded(_ s: String) -> [UInt8] { var out: [UInt8] = []; JSON.appendString(s, to: &out); return out }
        self.version = version
        self.files = files
        self.rules = rules
        self.fieldNames = fieldNames
        self.plans = plans
        self.encodedIDs = rules.map { encoded($0.id) }
        self.encodedVersion = encoded(version)
        self.encodedEvents = PreEventType.allCases.map { encoded($0.rawValue) }
    }

    /// How many rules of each kind, for `check` and health output.
    public var rulesPerKind: [(kind: RuleKind, count: Int)] {
        RuleKind.allCases.map { kind in (kind, rules.filter { $0.kind == kind }.count) }
    }

    /// The index of the field named `name`, if any rule reads it.
    public func field(named name: String) -> FieldName? { fieldNames.first { $0.name == name } }

    // MARK: - Evaluation

    /// Decides what to answer for one event. The ``Decision`` reads its details from `workspace`, so
    /// use it before the workspace's next evaluation.
    ///
    /// `deadline` is a ``MonotonicClock`` instant: a rule that would start after it is not run and the
    /// decision is `.failed` with a `.deadlineExceeded` note, so the caller answers by its error policy
    /// in time. Each single rule is bounded by its PCRE2 budget, so the overrun is at most one rule
    /// (plus the coarse clock's few milliseconds).
    public func evaluate<Fields: EventFields>(_ event: PreEventType, fields: Fields, workspace ws: PipelineWorkspace,
                                              deadline: MonotonicClock.Instant = .distantFuture) -> Decision {
        ws.begin(fieldCount: fieldNames.count)
        let plan = plans[event.index]
        for field in plan.fields { ws.values[field] = fields.value(of: fieldNames[field]) }
        var current = -1
        let checksDeadline = deadline != .distantFuture
        /// True (and the trace noted) when the next rule would start after the deadline.
        func outOfTime(_ index: Int) -> Bool {
            guard checksDeadline, MonotonicClock.coarseNow() > deadline else { return false }
            ws.trace.append(FiredRule(ruleIndex: index, mode: rules[index].mode, hits: 0, note: .deadlineExceeded))
            return true
        }
        do {
            for index in plan.blocks {
                current = index
                if outOfTime(index) { return Decision(event: event, outcome: .failed(ruleIndex: index), pipeline: self, workspace: ws) }
                let rule = rules[index]
                guard let value = ws.values[rule.fieldIndex], try firstHit(rule, in: value, ws) != nil else { continue }
                ws.trace.append(FiredRule(ruleIndex: index, mode: rule.mode, hits: 1, note: nil))
                if rule.mode == .enforce { return Decision(event: event, outcome: .reject(ruleIndex: index), pipeline: self, workspace: ws) }
            }
            for group in plan.rewriteGroups {
                guard let value = ws.values[group.field], !value.isEmpty else { continue }
                ws.spans.removeAll(keepingCapacity: true)
                for index in group.rules {
                    current = index
                    if outOfTime(index) { return Decision(event: event, outcome: .failed(ruleIndex: index), pipeline: self, workspace: ws) }
                    let rule = rules[index]
                    let hits = try collectSpans(rule, index, in: value, ws, enforce: rule.mode == .enforce)
                    if hits > 0 { ws.trace.append(FiredRule(ruleIndex: index, mode: rule.mode, hits: hits, note: nil)) }
                }
                if !ws.spans.isEmpty {
                    ws.redactions += applySpans(to: value, into: &ws.outputs[group.field], ws)
                    ws.rewritten[group.field] = true
                }
            }
        } catch {
            ws.trace.append(FiredRule(ruleIndex: current, mode: rules[current].mode, hits: 0, note: .limitExceeded))
            return Decision(event: event, outcome: .failed(ruleIndex: current), pipeline: self, workspace: ws, failure: error)
        }
        for index in plan.sets {
            let rule = rules[index]
            guard case .set(let value) = rule.action, !ws.rewritten[rule.fieldIndex],
                  (ws.values[rule.fieldIndex]?.count ?? 0) == 0 else { continue }
            ws.trace.append(FiredRule(ruleIndex: index, mode: rule.mode, hits: 1, note: nil))
            if rule.mode == .enforce {
                ws.outputs[rule.fieldIndex].removeAll(keepingCapacity: true)
                ws.outputs[rule.fieldIndex].append(contentsOf: value)
                ws.rewritten[rule.fieldIndex] = true
            }
        }
        let firedBeforeEnrich = ws.trace.count
        for index in plan.enrich {
            let rule = rules[index]
            guard case .enrich(let spec) = rule.action else { continue }
            switch spec.when {
            case .always: break
            case .fired: if firedBeforeEnrich == 0 { continue }
            case .rewritten: if !ws.rewritten.contains(true) { continue }
            }
            enrich(index, spec, event: event, original: ws.values[rule.fieldIndex], ws)
        }
        let outcome: Decision.Outcome = ws.rewritten.contains(true) ? .rewrite : .allow
        return Decision(event: event, outcome: outcome, pipeline: self, workspace: ws)
    }

    /// The first validated match of a block rule's matcher, if any.
    func firstHit(_ rule: Rule, in value: UnsafeBufferPointer<UInt8>, _ ws: PipelineWorkspace) throws(PCRE2Error) -> Range<Int>? {
        switch rule.matcher {
        case .pattern(let regex, let validator)?:
            if let prefilter = rule.prefilter, !prefilter.admits(ws.summary(of: value)) { return nil }
            var position = 0
            while position <= value.count, let found = try regex.firstMatch(in: value, from: position, scratch: ws.match) {
                guard let hit = Pipeline.validated(found, in: value, by: validator) else {
                    position = Pipeline.nextCharacter(in: value, after: found.lowerBound)
                    continue
                }
                return hit
            }
            return nil
        case .words(let words)?:
            if let key = rule.wordsKey, ws.isKnownClean(key, value) { return nil }
            let hit = words.firstMatch(in: value, scratch: ws.fold)?.range
            if hit == nil, let key = rule.wordsKey { ws.recordClean(key, value) }
            return hit
        case nil:
            return nil
        }
    }

    /// Adds the validated, non-empty matches of `rule` (number `index`) to the workspace's spans; returns how many.
    func collectSpans(_ rule: Rule, _ index: Int, in value: UnsafeBufferPointer<UInt8>, _ ws: PipelineWorkspace, enforce: Bool) throws(PCRE2Error) -> Int {
        var hits = 0
        switch rule.matcher {
        case .pattern(let regex, let validator)?:
            if let prefilter = rule.prefilter, !prefilter.admits(ws.summary(of: value)) { return 0 }
            var position = 0
            while position <= value.count, let found = try regex.firstMatch(in: value, from: position, scratch: ws.match) {
                if found.isEmpty {
                    position = Pipeline.nextCharacter(in: value, after: found.lowerBound)
                    continue
                }
                guard let hit = Pipeline.validated(found, in: value, by: validator) else {
                    // A failed candidate may hide a real one starting inside it: retry one character on.
                    position = Pipeline.nextCharacter(in: value, after: found.lowerBound)
                    continue
                }
                hits += 1
                if enforce { ws.insert(Span(start: hit.lowerBound, end: hit.upperBound, rule: index)) }
                position = hit.upperBound
            }
        case .words(let words)?:
            if let key = rule.wordsKey, ws.isKnownClean(key, value) { return 0 }
            words.forEachMatch(in: value, scratch: ws.fold) { match in
                hits += 1
                if enforce { ws.insert(Span(start: match.range.lowerBound, end: match.range.upperBound, rule: index)) }
            }
            if hits == 0, let key = rule.wordsKey { ws.recordClean(key, value) }
        case nil:
            break
        }
        return hits
    }

    /// Writes `value` with the sorted spans replaced into `out`, skipping spans that overlap an
    /// earlier one; returns how many were replaced.
    func applySpans(to value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], _ ws: PipelineWorkspace) -> Int {
        out.removeAll(keepingCapacity: true)
        var written = 0
        var applied = 0
        for span in ws.spans where span.start >= written {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[written..<span.start]))
            let matched = UnsafeBufferPointer(rebasing: value[span.start..<span.end])
            switch rules[span.rule].action {
            case .redact(let template): template.render(match: matched, into: &out)
            case .mask:
                // One '*' per visible character (zero-width ones hidden in the word add none),
                // so the masked word keeps its visible length.
                let stars = TextFolder.characterCount(in: value, range: span.start..<span.end)
                for _ in 0..<stars { out.append(UInt8(ascii: "*")) }
            default: out.append(contentsOf: matched)
            }
            written = span.end
            applied += 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[written...]))
        return applied
    }

    /// Merges the enrich rule's keys into the current `Attributes` (rewritten or original).
    func enrich(_ index: Int, _ spec: EnrichSpec, event: PreEventType, original: UnsafeBufferPointer<UInt8>?, _ ws: PipelineWorkspace) {
        let rule = rules[index]
        let field = rule.fieldIndex
        let merged: Bool
        if ws.rewritten[field] {
            merged = ws.outputs[field].withUnsafeBufferPointer { merge(spec, into: $0, event: event, ws) }
        } else {
            merged = merge(spec, into: original ?? UnsafeBufferPointer(start: nil, count: 0), event: event, ws)
        }
        guard merged else {
            ws.trace.append(FiredRule(ruleIndex: index, mode: rule.mode, hits: 0, note: .attributesNotObject))
            return
        }
        ws.trace.append(FiredRule(ruleIndex: index, mode: rule.mode, hits: 1, note: nil))
        if rule.mode == .enforce {
            swap(&ws.outputs[field], &ws.temp)
            ws.rewritten[field] = true
        }
    }

    /// Writes `source` (a JSON object; empty means `{}`) with the spec's members set into `ws.temp`.
    /// Every other member is copied byte for byte, in order. Returns false when `source` is not an object.
    func merge(_ spec: EnrichSpec, into source: UnsafeBufferPointer<UInt8>, event: PreEventType, _ ws: PipelineWorkspace) -> Bool {
        ws.temp.removeAll(keepingCapacity: true)
        ws.temp.append(UInt8(ascii: "{"))
        var first = true
        if source.contains(where: { !Pipeline.isJSONSpace($0) }) {
            do {
                try JSON.forEachMember(ofObject: source) { member in
                    let key = UnsafeBufferPointer(rebasing: source[member.keyRaw])
                    for set in spec.members where set.key.withUnsafeBufferPointer({ JSON.keyEquals(key, $0) }) { return }
                    if !first { ws.temp.append(UInt8(ascii: ",")) }
                    first = false
                    ws.temp.append(contentsOf: UnsafeBufferPointer(rebasing: source[(member.keyRaw.lowerBound - 1)...member.keyRaw.upperBound]))
                    ws.temp.append(UInt8(ascii: ":"))
                    ws.temp.append(contentsOf: UnsafeBufferPointer(rebasing: source[member.value]))
                }
            } catch {
                return false
            }
        }
        for member in spec.members {
            if !first { ws.temp.append(UInt8(ascii: ",")) }
            first = false
            ws.temp.append(contentsOf: member.encodedKey)
            ws.temp.append(UInt8(ascii: ":"))
            for piece in member.value {
                switch piece {
                case .literal(let bytes): ws.temp.append(contentsOf: bytes)
                case .derived(.version): ws.temp.append(contentsOf: encodedVersion)
                case .derived(.event): ws.temp.append(contentsOf: encodedEvents[event.index])
                case .derived(.redactions): JSON.appendInteger(ws.redactions, to: &ws.temp)
                case .derived(.rules): appendFiredIDs(mode: .enforce, ws)
                case .derived(.monitored): appendFiredIDs(mode: .monitor, ws)
                }
            }
        }
        ws.temp.append(UInt8(ascii: "}"))
        return true
    }

    private func appendFiredIDs(mode: RuleMode, _ ws: PipelineWorkspace) {
        ws.temp.append(UInt8(ascii: "["))
        var first = true
        for fired in ws.trace where fired.mode == mode && fired.note == nil && rules[fired.ruleIndex].kind != .enrich {
            if !first { ws.temp.append(UInt8(ascii: ",")) }
            first = false
            ws.temp.append(contentsOf: encodedIDs[fired.ruleIndex])
        }
        ws.temp.append(UInt8(ascii: "]"))
    }

    /// The part of a pattern match its validator accepts (all of it without a validator), or `nil`.
    static func validated(_ found: Range<Int>, in value: UnsafeBufferPointer<UInt8>, by validator: Validator?) -> Range<Int>? {
        guard let validator else { return found }
        guard let length = validator.acceptedLength(UnsafeBufferPointer(rebasing: value[found])), length > 0 else { return nil }
        return found.lowerBound..<(found.lowerBound + length)
    }

    static func isJSONSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// The byte offset of the character after the one starting at `offset` (or past the end).
    static func nextCharacter(in value: UnsafeBufferPointer<UInt8>, after offset: Int) -> Int {
        var next = offset + 1
        while next < value.count && value[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
