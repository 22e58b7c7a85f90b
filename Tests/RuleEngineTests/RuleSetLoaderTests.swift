import Foundation
import Testing
@testable import RuleEngine

/// A minimal valid redact rule, in JSON5, with the given extra keys spliced in.
func redactRule(id: String = "pii.email", extra: String = "") -> String {
    """
    { id: '\(id)', kind: 'redact', description: 'mail', pattern: '[a-z]+@[a-z]+\\\\.com', replacement: '[email]',
      examples: { match: ['a@b.com'], noMatch: ['nobody'] }, \(extra) }
    """
}

@Suite struct RuleSetLoaderTests {
    @Test func json5CommentsTrailingCommasUnquotedKeysAndSingleQuotes() throws {
        let rules = try TestRules(["a.json5": """
            // a line comment
            {
              /* a block comment */
              rules: [
                {
                  id: 'pii.email', kind: "redact", description: 'mail',
                  pattern: '[a-z]+@[a-z]+\\\\.com', replacement: '[email]',
                  examples: { match: [{ text: 'x a@b.com', result: 'x [email]' },], noMatch: ['no',], },
                },
              ],
            }
            """])
        let pipeline = try rules.load()
        #expect(pipeline.rules.map(\.id) == ["pii.email"])
        #expect(pipeline.rules[0].events == [.onMessageAdd, .onMessageUpdate])
        #expect(pipeline.rules[0].field == "Body")
        #expect(pipeline.rules[0].mode == .enforce)
    }

    @Test func unknownKeysAreErrorsNamingFileRuleAndKey() throws {
        let rules = try TestRules(["pii.json5": "{ rules: [\(redactRule(extra: "patern: 'x'"))] }"])
        let problems = rules.problems()
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("pii.json5: pii.email: 'patern' is not a key of redact rules") == true)
        let top = try TestRules(["x.json5": "{ rules: [], rule: [] }"])
        #expect(top.problems() == ["x.json5: 'rule' is not a file key (expected 'rules', 'description')"])
    }

    @Test func duplicateIDsAcrossFilesAreReported() throws {
        let rules = try TestRules(["a.json5": "{ rules: [\(redactRule())] }", "b.json5": "{ rules: [\(redactRule())] }"])
        #expect(rules.problems() == ["b.json5: pii.email: duplicate rule id (also in a.json5)"])
    }

    @Test func badPatternReportsPCRE2MessageAndOffset() throws {
        let rules = try TestRules(["p.json5": """
            { rules: [{ id: 'bad', kind: 'redact', description: 'd', pattern: 'ab(c', replacement: 'x',
                        examples: { match: ['abc'], noMatch: ['z'] } }] }
            """])
        let problems = rules.problems()
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("p.json5: bad: pattern does not compile: missing closing parenthesis at offset 4"))
    }

    @Test func missingWordListIsReported() throws {
        let rules = try TestRules(["w.json5": """
            { rules: [{ id: 'w', kind: 'block', description: 'd', words: 'nope.txt', reason: 'r',
                        examples: { match: ['x'], noMatch: ['y'] } }] }
            """])
        #expect(rules.problems() == ["w.json5: w: word list 'nope.txt' not found in the rules directory"])
        let escape = try TestRules(["w.json5": """
            { rules: [{ id: 'w', kind: 'block', description: 'd', words: '../etc/passwd', reason: 'r',
                        examples: { match: ['x'], noMatch: ['y'] } }] }
            """])
        #expect(escape.problems() == ["w.json5: w: word list '../etc/passwd' must be a file inside the rules directory"])
    }

    @Test func failingExamplesAreReportedOnePerLine() throws {
        let rules = try TestRules(["e.json5": """
            { rules: [{ id: 'e', kind: 'redact', description: 'd', pattern: '\\\\d{3}', replacement: '#',
                        examples: { match: ['no digits', { text: 'a 123', result: 'a ###' }], noMatch: ['x 456'] } }] }
            """])
        #expect(rules.problems() == [
            #"e.json5: e: example "no digits" should trigger the rule but does not"#,
            #"e.json5: e: example "a 123" gives "a #", expected "a ###""#,
            #"e.json5: e: near-miss "x 456" must not trigger the rule, but it does (gives "x #")"#,
        ])
    }

    @Test func rulesMustCarryExamples() throws {
        let rules = try TestRules(["e.json5": """
            { rules: [{ id: 'e', kind: 'redact', description: 'd', pattern: 'x', replacement: '#' }] }
            """])
        #expect(rules.problems().first?.contains("missing 'examples'") == true)
    }

    @Test func eventsAreCheckedAndRewritesOnlyWhereTwilioAllowsThem() throws {
        let rules = try TestRules(["e.json5": """
            { rules: [
              \(redactRule(id: "a", extra: "events: ['onMessageAdd', 'onMesageAdd']")),
              \(redactRule(id: "b", extra: "events: ['onMessageAdded']")),
              \(redactRule(id: "c", extra: "events: ['onParticipantAdd'], field: 'Identity'")),
            ] }
            """])
        let problems = rules.problems()
        #expect(problems.count == 3)
        #expect(problems[0].hasPrefix("e.json5: a: unknown event 'onMesageAdd'"))
        #expect(problems[1].hasPrefix("e.json5: b: 'onMessageAdded' is a post-event"))
        #expect(problems[2].hasPrefix("e.json5: c: redact cannot change 'Identity' on onParticipantAdd"))
    }

    @Test func kindModeValidatorFlagsAndTemplatesAreChecked() throws {
        let rules = try TestRules(["k.json5": """
            { rules: [
              { id: 'k1', kind: 'rewrite', description: 'd', examples: { match: ['x'] } },
              \(redactRule(id: "k2", extra: "mode: 'audit'")),
              \(redactRule(id: "k3", extra: "validator: 'crc32'")),
              \(redactRule(id: "k4", extra: "flags: ['z']")),
              { id: 'k5', kind: 'redact', description: 'd', pattern: 'x', replacement: '[{first4}]',
                examples: { match: ['x'], noMatch: ['y'] } },
              { id: 'Bad Id', kind: 'redact', description: 'd', pattern: 'x', replacement: 'y',
                examples: { match: ['x'], noMatch: ['z'] } },
            ] }
            """])
        let problems = rules.problems()
        #expect(problems.contains("k.json5: k1: kind 'rewrite' is not one of redact, block, enrich, set"))
        #expect(problems.contains("k.json5: k2: mode 'audit' is not enforce or monitor"))
        #expect(problems.contains { $0.hasPrefix("k.json5: k3: unknown validator 'crc32'") })
        #expect(problems.contains { $0.hasPrefix("k.json5: k4: unknown flag 'z'") })
        #expect(problems.contains("k.json5: k5: unknown placeholder {first4} in replacement (known: {last4})"))
        #expect(problems.contains { $0.hasPrefix("k.json5: rule #6: id 'Bad Id' must be") })
    }

    @Test func syntaxErrorsNameTheFile() throws {
        let rules = try TestRules(["broken.json5": "{ rules: [ { id: 'x', } "])
        let problems = rules.problems()
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("broken.json5: not valid JSON5"))
        #expect(!problems[0].hasSuffix("nil"), "an absent underlying error printed as nil: \(problems[0])")
    }

    /// Found by the rules-loader fuzzer: Foundation's JSON5 scanner stopped the process on some
    /// ill-formed UTF-8; the loader now refuses such a file itself, naming the byte.
    @Test func aFileThatIsNotUTF8IsAProblemNotACrash() throws {
        var bytes = Array("{ rules: [ { id: 'x', description: 'caf".utf8)
        bytes += [0xC3, 0x28, 0xFF]  // a lead byte without its continuation, then a byte UTF-8 never uses
        bytes += Array("' } ] }".utf8)
        let source = RuleSource.files(["bad.json5": Data(bytes)])
        do throws(RuleSetError) {
            _ = try RuleSetLoader.load(source: source)
            Issue.record("a non-UTF-8 rule file loaded")
        } catch {
            #expect(error.problems.map { $0.description } == ["bad.json5: not valid JSON5: not UTF-8 (an ill-formed byte sequence at byte \(bytes.count - 10))"])
        }
    }

    @Test func filesInMemoryLoadLikeTheDirectory() throws {
        let text = "{ rules: [\(redactRule(id: "m1"))] }"
        let fromMemory = try RuleSetLoader.load(source: .files(["m.json5": Data(text.utf8)]))
        let fromDisk = try TestRules(["m.json5": text]).load()
        #expect(fromMemory.version == fromDisk.version)
        #expect(fromMemory.rules.map { $0.id } == ["m1"])
    }

    @Test func emptyOrMissingDirectoryIsAnError() throws {
        let empty = try TestRules([:])
        #expect(empty.problems().first?.hasSuffix("no *.json5 rule files") == true)
        #expect(throws: RuleSetError.self) { try RuleSetLoader.load(directory: "/nonexistent/prehook") }
    }

    @Test func versionIsStableAndFollowsFileContents() throws {
        let rules = try TestRules(["a.json5": "{ rules: [\(redactRule())] }"])
        let first = try rules.load().version
        #expect(first.count == 16)
        #expect(try rules.load().version == first)
        try rules.write("a.json5", "{ rules: [\(redactRule())] } // edited")
        #expect(try rules.load().version != first)
    }

    @Test func enrichValuesAreChecked() throws {
        let rules = try TestRules(["e.json5": """
            { rules: [{ id: 'e', kind: 'enrich', description: 'd', set: { m: { a: '$rulez' } },
                        examples: { match: ['{}'] } }] }
            """])
        #expect(rules.problems().first?.hasPrefix("e.json5: e: set.m: unknown value '$rulez'") == true)
    }

    @Test func wordListParsingSkipsCommentsAndBlanks() {
        #expect(RuleSetLoader.parseWordList("# c\nfoo\n\n  bar  \r\n#x\nbaz") == ["foo", "bar", "baz"])
    }
}
