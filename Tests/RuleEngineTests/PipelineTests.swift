import Testing
@testable import RuleEngine

/// Rules used across pipeline tests: two overlapping redactions, a block, a monitor rule, enrich, set.
let pipelineRules: [String: String] = [
    "a-redact.json5": """
    { rules: [
      { id: 'pii.card', kind: 'redact', description: 'cards', pattern: '(?<!\\\\d)\\\\d(?:[ -]?\\\\d){11,18}(?!\\\\d)',
        validator: 'luhn', replacement: '[card {last4}]',
        examples: { match: ['4111 1111 1111 1111'], noMatch: ['4111 1111 1111 1112'] } },
      { id: 'pii.digits', kind: 'redact', description: 'long digit runs', pattern: '\\\\d{6,}',
        replacement: '[number]', examples: { match: ['123456'], noMatch: ['12345'] } },
      { id: 'pii.email', kind: 'redact', description: 'mail', pattern: '[a-z]+@[a-z]+\\\\.com',
        replacement: '[email]', examples: { match: ['a@b.com'], noMatch: ['a@b'] } },
      { id: 'watch.refund', kind: 'redact', mode: 'monitor', description: 'audit', pattern: 'refund',
        replacement: '[r]', examples: { match: ['refund'], noMatch: ['fund'] } },
    ] }
    """,
    "b-block.json5": """
    { rules: [
      { id: 'block.secret', kind: 'block', description: 'd', pattern: 'TOPSECRET', reason: 'classified',
        examples: { match: ['a TOPSECRET b'], noMatch: ['secret'] } },
      { id: 'block.identity', kind: 'block', description: 'd', events: ['onParticipantAdd'], field: 'Identity',
        pattern: '@', reason: 'identity-is-email', examples: { match: ['a@b'], noMatch: ['alice'] } },
      { id: 'watch.slow', kind: 'block', mode: 'monitor', description: 'd', pattern: 'slowpoke',
        reason: 'watch', examples: { match: ['slowpoke'], noMatch: ['slow'] } },
    ] }
    """,
    "c-enrich.json5": """
    { rules: [
      { id: 'enrich.moderation', kind: 'enrich', description: 'd',
        set: { moderation: { rules: '$rules', monitored: '$monitored', redactions: '$redactions', v: '$version', e: '$event', lit: '$$rules' } },
        examples: { match: ['{"a":1}', ''], noMatch: ['[]'] } },
      { id: 'set.name', kind: 'set', description: 'd', events: ['onConversationAdd'], field: 'FriendlyName',
        value: 'Support chat', examples: { match: [{ text: '', result: 'Support chat' }], noMatch: ['Mine'] } },
    ] }
    """,
]

@Suite struct PipelineTests {
    let pipeline: Pipeline

    init() throws { pipeline = try TestRules(pipelineRules).load() }

    @Test func cleanMessageIsAllowedUnchanged() {
        pipeline.evaluate(.onMessageAdd, ["Body": "hello there", "Attributes": "{}"]) { decision in
            #expect(decision.outcome == .allow)
            #expect(decision.firedRules.isEmpty)
            #expect(decision.redactionCount == 0)
        }
    }

    @Test func redactionsApplyLeftToRightWithoutOverlap() {
        // The card (Luhn-valid) and the digit-run rule overlap: the span that starts first wins,
        // the longer one on a tie; the email after both is also redacted.
        let body = "pay 4111 1111 1111 1111 or 9876543210 to x@y.com"
        pipeline.evaluate(.onMessageAdd, ["Body": body]) { decision in
            #expect(decision.outcome == .rewrite)
            #expect(decision.rewrittenValue(of: "Body") == "pay [card 1111] or [number] to [email]")
            #expect(decision.redactionCount == 3)
            #expect(pipeline.firedIDs(decision, mode: .enforce).starts(with: ["pii.card", "pii.digits", "pii.email"]))
        }
    }

    @Test func validatorRejectsLookAlikes() {
        // Shaped like a card but failing Luhn: left alone (and too grouped for the digit-run rule).
        pipeline.evaluate(.onMessageAdd, ["Body": "ref 4111 1111 1111 1112"]) { decision in
            #expect(decision.outcome == .allow)
            #expect(decision.firedRules.isEmpty)
        }
        pipeline.evaluate(.onMessageAdd, ["Body": "call 4111111111111111 now"]) { decision in
            #expect(decision.rewrittenValue(of: "Body") == "call [card 1111] now")
        }
    }

    @Test func failedCandidateIsRetriedOneCharacterOn() throws {
        // Without lookarounds in the pattern, a candidate that fails its validator is retried one
        // character on: "14111111111111111" (17 digits) fails Luhn, the card inside it passes.
        let pipeline = try TestRules(["r.json5": """
            { rules: [{ id: 'card', kind: 'redact', description: 'd', pattern: '\\\\d{13,19}', validator: 'luhn',
                        replacement: '[card]', examples: { match: ['4111111111111111'], noMatch: ['123456789012'] } }] }
            """]).load()
        pipeline.evaluate(.onMessageAdd, ["Body": "x 14111111111111111"]) { decision in
            #expect(decision.rewrittenValue(of: "Body") == "x 1[card]")
        }
    }

    @Test func rejectBeatsRewrite() {
        pipeline.evaluate(.onMessageAdd, ["Body": "TOPSECRET a@b.com"]) { decision in
            guard case .reject(let index) = decision.outcome else { Issue.record("expected reject"); return }
            #expect(pipeline.rules[index].id == "block.secret")
            #expect(decision.decidingRule?.reason == "classified")
            var rewrites = 0
            decision.forEachRewrite { _, _ in rewrites += 1 }
            #expect(rewrites == 0)
        }
    }

    @Test func monitorRulesReportButNeverChangeTheAnswer() {
        pipeline.evaluate(.onMessageAdd, ["Body": "slowpoke wants a refund", "Attributes": "{}"]) { decision in
            #expect(pipeline.firedIDs(decision, mode: .monitor) == ["watch.slow", "watch.refund"])
            // Only the enrich rule (enforced) changes anything: Body is untouched.
            #expect(decision.rewrittenValue(of: "Body") == nil)
            #expect(decision.outcome == .rewrite)
            #expect(decision.rewrittenValue(of: "Attributes")?.contains(#""monitored":["watch.slow","watch.refund"]"#) == true)
        }
    }

    @Test func enrichMergesKeepingEveryKey() {
        let attributes = #"{"ticket":"T-1","nested":{"a":[1,2,{"b":null}]},"moderation":"old","vip":true}"#
        pipeline.evaluate(.onMessageAdd, ["Body": "mail x@y.com", "Attributes": attributes]) { decision in
            let merged = decision.rewrittenValue(of: "Attributes")
            let version = pipeline.version
            #expect(merged == #"{"ticket":"T-1","nested":{"a":[1,2,{"b":null}]},"vip":true,"moderation":{"e":"onMessageAdd","lit":"$rules","monitored":[],"redactions":1,"rules":["pii.email"],"v":"\#(version)"}}"#)
        }
    }

    @Test func enrichLeavesNonObjectAttributesAloneAndSaysSo() {
        for attributes in ["[1,2]", "not json", #"{"a":1"#, "\"text\""] {
            pipeline.evaluate(.onMessageAdd, ["Body": "x@y.com", "Attributes": attributes]) { decision in
                #expect(decision.rewrittenValue(of: "Attributes") == nil)
                #expect(decision.rewrittenValue(of: "Body") == "[email]")
                #expect(decision.firedRules.last?.note == .attributesNotObject)
            }
        }
    }

    @Test func enrichTreatsMissingAttributesAsEmptyObject() {
        pipeline.evaluate(.onMessageAdd, ["Body": "x@y.com"]) { decision in
            #expect(decision.rewrittenValue(of: "Attributes")?.hasPrefix(#"{"moderation":{"#) == true)
        }
    }

    @Test func rulesOnlyRunForTheirEventsAndFields() {
        pipeline.evaluate(.onParticipantAdd, ["Identity": "bob@example.com", "Body": "TOPSECRET"]) { decision in
            #expect(decision.decidingRule?.id == "block.identity")
        }
        pipeline.evaluate(.onParticipantAdd, ["Identity": "bob"]) { decision in
            #expect(decision.outcome == .allow)
        }
        pipeline.evaluate(.onMessageRemove, ["Body": "TOPSECRET"]) { decision in
            #expect(decision.outcome == .allow)
        }
    }

    @Test func setFillsOnlyEmptyFields() {
        pipeline.evaluate(.onConversationAdd, ["FriendlyName": ""]) { decision in
            #expect(decision.rewrittenValue(of: "FriendlyName") == "Support chat")
        }
        pipeline.evaluate(.onConversationAdd, [:]) { decision in
            #expect(decision.rewrittenValue(of: "FriendlyName") == "Support chat")
        }
        pipeline.evaluate(.onConversationAdd, ["FriendlyName": "Mine"]) { decision in
            #expect(decision.outcome == .allow)
        }
    }

    @Test func workspaceIsReusedAcrossEvaluations() {
        let ws = PipelineWorkspace()
        pipeline.evaluate(.onMessageAdd, ["Body": "a@b.com"], workspace: ws) { #expect($0.outcome == .rewrite) }
        pipeline.evaluate(.onMessageAdd, ["Body": "clean"], workspace: ws) { decision in
            #expect(decision.outcome == .allow)
            #expect(decision.firedRules.isEmpty)
            #expect(decision.rewrittenValue(of: "Body") == nil)
        }
    }

    @Test func ruleOutOfBudgetFailsTheEvaluationNamingTheRule() throws {
        let rules = try TestRules(["r.json5": """
            { rules: [{ id: 'evil', kind: 'redact', description: 'd', pattern: '(a+)+$', replacement: 'x',
                        examples: { match: ['aaa'], noMatch: ['b'] } }] }
            """])
        let pipeline = try rules.load()
        let ws = PipelineWorkspace(limits: .init(matchLimit: 10_000))
        pipeline.evaluate(.onMessageAdd, ["Body": String(repeating: "a", count: 5_000) + "!"], workspace: ws) { decision in
            #expect(decision.outcome == .failed(ruleIndex: 0))
            #expect(decision.failure?.isResourceLimit == true)
            #expect(decision.firedRules.last?.note == .limitExceeded)
        }
    }

    @Test func passedDeadlineFailsBeforeTheNextRuleRuns() {
        // A second ago: the deadline check reads the coarse clock, which may lag a few milliseconds.
        let past = MonotonicClock.Instant(nanoseconds: MonotonicClock.now().nanoseconds - 1_000_000_000)
        pipeline.evaluate(.onMessageAdd, ["Body": "a TOPSECRET b"], deadline: past) { decision in
            guard case .failed(let index) = decision.outcome else {
                Issue.record("expected .failed, got \(decision.outcome)")
                return
            }
            #expect(pipeline.rules[index].id == "block.secret")
            #expect(decision.deadlineExceeded)
            #expect(decision.failure == nil)
            #expect(decision.firedRules.map(\.note) == [.deadlineExceeded])
        }
        // The same message with time to spare is rejected by the rule.
        pipeline.evaluate(.onMessageAdd, ["Body": "a TOPSECRET b"], deadline: MonotonicClock.now().adding(milliseconds: 60_000)) { decision in
            #expect(decision.outcome == .reject(ruleIndex: 4))
            #expect(!decision.deadlineExceeded)
        }
    }

    @Test func checkReportsExamplesThatExceedTheLimit() throws {
        let rules = try TestRules(["r.json5": """
            { rules: [{ id: 'evil', kind: 'redact', description: 'd', pattern: '(a+)+$', replacement: 'x',
                        examples: { match: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'], noMatch: ['b'] } }] }
            """])
        #expect(throws: RuleSetError.self) { try RuleSetLoader.load(directory: rules.directory, limits: .init(matchLimit: 10_000)) }
        do {
            _ = try RuleSetLoader.load(directory: rules.directory, limits: .init(matchLimit: 10_000))
        } catch {
            #expect(error.problems.first?.message.contains("ran out of match budget") == true)
        }
    }

    @Test func invalidUTF8BodyIsHandled() {
        var bytes: [UInt8] = Array("mail ".utf8) + [0xFF, 0xC0] + Array(" a@b.com".utf8)
        bytes.withUnsafeMutableBufferPointer { raw in
            let fields = TestFields(storage: UnsafeBufferPointer(raw), ranges: ["Body": 0..<raw.count])
            let decision = pipeline.evaluate(.onMessageAdd, fields: fields, workspace: PipelineWorkspace())
            #expect(decision.outcome == .rewrite)
            #expect(decision.rewrittenValue(of: "Body")?.hasSuffix(" [email]") == true)
        }
    }

    @Test func pipelineIsSharedSafelyAcrossThreads() async {
        let pipeline = self.pipeline
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let ws = PipelineWorkspace()
                    var redacted = 0
                    for i in 0..<500 {
                        pipeline.evaluate(.onMessageAdd, ["Body": "mail usr@example.com \(i)"], workspace: ws) { decision in
                            if decision.rewrittenValue(of: "Body") == "mail [email] \(i)" { redacted += 1 }
                        }
                    }
                    return redacted
                }
            }
            var total = 0
            for await n in group { total += n }
            #expect(total == 2_000)
        }
    }
}

@Suite struct PrefilterTests {
    static let rules = """
        { rules: [{ id: 'digits', kind: 'redact', description: 'd', pattern: '\\\\d{4}', requires: '0123456789',
                    replacement: '[n]', examples: { match: ['1234', '١٢٣٤'], noMatch: ['12'] } }] }
        """

    @Test func ruleRunsOnlyWhenARequiredOrNonASCIICharacterIsPresent() throws {
        let pipeline = try TestRules(["r.json5": PrefilterTests.rules]).load()
        pipeline.evaluate(.onMessageAdd, ["Body": "code 4711"]) { #expect($0.rewrittenValue(of: "Body") == "code [n]") }
        pipeline.evaluate(.onMessageAdd, ["Body": "no numbers here"]) { #expect($0.outcome == .allow) }
        // Arabic-Indic digits are \d under UCP: non-ASCII text always reaches the pattern.
        pipeline.evaluate(.onMessageAdd, ["Body": "رقم ١٢٣٤"]) { #expect($0.rewrittenValue(of: "Body") == "رقم [n]") }
    }

    @Test func examplesThatTheScreenWouldSkipAreReported() throws {
        let rules = try TestRules(["r.json5": """
            { rules: [{ id: 'x', kind: 'redact', description: 'd', pattern: '[a-z]+@', requires: '#',
                        replacement: '[n]', examples: { match: ['ann@'], noMatch: ['ann'] } }] }
            """])
        #expect(rules.problems() == ["r.json5: x: examples: 'ann@' should match but has none of the 'requires' characters, so the rule would never run on it"])
        let bad = try TestRules(["r.json5": """
            { rules: [{ id: 'x', kind: 'redact', description: 'd', pattern: 'a', requires: 'a b',
                        replacement: '[n]', examples: { match: ['a'], noMatch: ['b'] } }] }
            """])
        #expect(bad.problems().first?.contains("'requires' must be printable ASCII") == true)
    }

    @Test func rulesSharingWordListsScanACleanFieldOnce() throws {
        let words = """
            { rules: [
              { id: 'w.block', kind: 'block', description: 'd', words: 'w.txt', reason: 'r', examples: { match: ['darn'], noMatch: ['barn'] } },
              { id: 'w.mask', kind: 'block', action: 'mask', mode: 'monitor', description: 'd', words: 'w.txt', reason: 'r',
                examples: { match: [{ text: 'darn', result: '****' }], noMatch: ['barn'] } },
            ] }
            """
        let rules = try TestRules(["r.json5": words, "w.txt": "darn\n"])
        let pipeline = try rules.load()
        #expect(pipeline.rules.map(\.wordsKey) == [0, 0])
        pipeline.evaluate(.onMessageAdd, ["Body": "a barn"]) { #expect($0.outcome == .allow && $0.firedRules.isEmpty) }
        pipeline.evaluate(.onMessageAdd, ["Body": "oh darn"]) { #expect($0.outcome == .reject(ruleIndex: 0)) }
    }
}
