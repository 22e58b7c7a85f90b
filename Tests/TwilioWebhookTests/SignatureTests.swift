import Testing
@testable import TwilioWebhook
import SeededRandom

/// Builds what the server sees for a signed form POST and runs the verifier on it.
func check(_ verifier: SignatureVerifier, target query: String?, params: [(String, String)], signature: String?,
           settings: String? = nil, json body: String? = nil) -> SignatureCheck {
    var form = FormFields()
    let encoded = params.map { pct($0.0) + "=" + pct($0.1) }.joined(separator: "&")
    let formBytes = Array(encoded.utf8)
    try! formBytes.withUnsafeBufferPointer { (b) throws(FormError) in try form.decode(b) }
    let sig = signature.map { Array($0.utf8) }
    let set = settings.map { Array($0.utf8) }
    let q = query.map { Array($0.utf8) }
    let raw = Array((body ?? encoded).utf8)
    let scratch = SignatureScratch()
    return form.withEventFields { fields in
        withOptional(sig) { sig in withOptional(set) { set in withOptional(q) { q in
            raw.withUnsafeBufferPointer { raw in
                verifier.verify(SignedRequest(signature: sig, settings: set, query: q, form: body == nil ? fields : nil, body: raw), scratch: scratch)
            }
        } } }
    }
}

func withOptional<R>(_ bytes: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBufferPointer { body($0) }
}

func pct(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x2D || b == 0x5F {
            out.append(Character(UnicodeScalar(b)))
        } else {
            out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
        }
    }
    return out
}

@Suite struct SignatureTests {
    static let callParams = [("Digits", "1234"), ("To", "+18005551212"), ("From", "+14158675310"), ("Caller", "+14158675310"), ("CallSid", "CA1234567890ABCDE")]

    /// The shared note's table, each computed by Twilio's own RequestValidator (token 12345).
    static let vectors: [(url: String, params: [(String, String)], signature: String)] = [
        ("https://example.com/myapp.php?foo=1&bar=2", callParams, "L/OH5YylLD5NRKLltdqwSvS0BnU="),
        ("https://mycompany.com/myapp.php?foo=1&bar=2", callParams, "GvWf1cFY/Q7PnoempGyD5oXAezc="),
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", callParams, "5s2PFy0qmPcZucb4eH4b08ZJtL0="),
        ("https://mycompany.com/myapp.php?foo=1&bar=2",
         [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234")], "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
        ("https://example.com/twilio/pre?tenant=a",
         [("AccountSid", "AC" + String(repeating: "a", count: 32)), ("Attributes", "{}"), ("Author", "+15005550006"),
          ("Body", "Hello world's \"test\" & more"), ("ChatServiceSid", "IS" + String(repeating: "a", count: 32)),
          ("ConversationSid", "CH" + String(repeating: "a", count: 32)), ("EventType", "onMessageAdd"),
          ("ParticipantSid", "MB" + String(repeating: "a", count: 32)), ("RetryCount", "0"), ("Source", "SMS"),
          ("MessagingBinding.Address", "+15005550006")], "8UnHjR0VNxldtcfUEFBAybIS5po="),
        ("https://example.com/twilio/pre", [("Body", "héllo 👋"), ("EventType", "onMessageAdd"), ("body", "lower"), ("Author", "alice")],
         "k35UK2T+0xFDvPn0ehG2GPYKYX8="),
    ]

    static func split(_ url: String) -> (base: String, query: String?) {
        guard let q = url.firstIndex(of: "?") else { return (url, nil) }
        return (String(url[..<q]), String(url[url.index(after: q)...]))
    }

    @Test func signMatchesTwilioVectors() {
        for vector in SignatureTests.vectors {
            #expect(SignatureVerifier.sign(url: vector.url, parameters: vector.params, token: "12345") == vector.signature)
        }
    }

    @Test func verifierAcceptsTwilioVectorsWithEitherPortForm() throws {
        for vector in SignatureTests.vectors {
            let (base, query) = SignatureTests.split(vector.url)
            // Configured with the port or without it: both must accept what Twilio signed.
            for configured in [base, base.replacingOccurrences(of: ":443/", with: "/"), base.replacingOccurrences(of: ".com/", with: ".com:443/")] {
                let verifier = try SignatureVerifier(publicURL: configured, keys: SignatureKeys(authTokens: ["12345"]))
                #expect(check(verifier, target: query, params: vector.params, signature: vector.signature) == .valid(.authToken(0)),
                        "\(configured) \(vector.signature)")
            }
        }
    }

    @Test func tamperingAndWrongKeysAreRefused() throws {
        let vector = SignatureTests.vectors[4]
        let (base, query) = SignatureTests.split(vector.url)
        let verifier = try SignatureVerifier(publicURL: base, keys: SignatureKeys(authTokens: ["12345"]))
        var tampered = vector.params
        tampered[3].1 = "Hello world's \"test\" & less"
        #expect(check(verifier, target: query, params: tampered, signature: vector.signature) == .mismatch)
        #expect(check(verifier, target: "tenant=b", params: vector.params, signature: vector.signature) == .mismatch)
        #expect(check(verifier, target: nil, params: vector.params, signature: vector.signature) == .mismatch)
        #expect(check(verifier, target: query, params: vector.params + [("Extra", "1")], signature: vector.signature) == .mismatch)
        #expect(check(verifier, target: query, params: vector.params, signature: nil) == .missing)
        #expect(check(verifier, target: query, params: vector.params, signature: "") == .mismatch)
        let other = try SignatureVerifier(publicURL: base, keys: SignatureKeys(authTokens: ["54321"]))
        #expect(check(other, target: query, params: vector.params, signature: vector.signature) == .mismatch)
        // A different host or path is a different URL.
        let moved = try SignatureVerifier(publicURL: "https://example.com/twilio/pre/", keys: SignatureKeys(authTokens: ["12345"]))
        #expect(check(moved, target: query, params: vector.params, signature: vector.signature) == .mismatch)
    }

    /// The verifier's allocation-free sort (8-byte prefixes, then memcmp) against the signer's plain
    /// `sorted`: names that tie on 8 bytes, names that are prefixes of others, NUL and non-ASCII bytes,
    /// repeated names and repeated pairs, in shuffled order.
    @Test func parameterOrderMatchesAPlainSortOnHardCases() throws {
        let names = ["ConversationSid", "ConversationServiceSid", "Conversa", "Conversat", "Conversa\u{0}",
                     "A", "Ab", "Ab\u{0}", "a", "B\u{E9}", "\u{E9}", "Body", "Body2", "", "ConversationSid\u{1}"]
        var generator = SplitMix64(seed: 6)
        let verifier = try SignatureVerifier(publicURL: "https://gw.example/webhook", keys: SignatureKeys(authTokens: ["tok"]))
        for _ in 0..<400 {
            let count = Int.random(in: 1...12, using: &generator)
            var params: [(String, String)] = []
            for _ in 0..<count {
                let value = ["", "1", "2", "10", "x\u{0}", "\u{E9}t\u{E9}"].randomElement(using: &generator)!
                params.append((names.randomElement(using: &generator)!, value))
                if Bool.random(using: &generator), let last = params.last { params.append(last) }  // a repeated pair
            }
            params.shuffle(using: &generator)
            let signature = SignatureVerifier.sign(url: "https://gw.example/webhook", parameters: params, token: "tok")
            #expect(check(verifier, target: nil, params: params, signature: signature) == .valid(.authToken(0)), "\(params)")
        }
    }


    @Test func secondaryTokenCoversARotation() throws {
        let vector = SignatureTests.vectors[1]
        let (base, query) = SignatureTests.split(vector.url)
        let verifier = try SignatureVerifier(publicURL: base, keys: SignatureKeys(authTokens: ["new-token", "12345"]))
        #expect(check(verifier, target: query, params: vector.params, signature: vector.signature) == .valid(.authToken(1)))
    }

    @Test func sharedKeyHMACSHA256ChosenByTheSettingsHeader() throws {
        let url = "https://example.com/twilio/pre"
        let params = [("EventType", "onMessageAdd"), ("Body", "hi")]
        let signature = SignatureVerifier.signSHA256(url: url, parameters: params, secret: "shh")
        let verifier = try SignatureVerifier(publicURL: url, keys: SignatureKeys(authTokens: ["12345"], sharedKeys: ["KY1": "shh"]))
        #expect(check(verifier, target: nil, params: params, signature: signature, settings: "key=KY1,algorithm=HMAC_SHA256") == .valid(.sharedKey("KY1")))
        #expect(check(verifier, target: nil, params: params, signature: signature, settings: " algorithm=HMAC_SHA256 , key=KY1 ") == .valid(.sharedKey("KY1")))
        #expect(check(verifier, target: nil, params: params, signature: signature, settings: "key=KY2,algorithm=HMAC_SHA256") == .unknownSharedKey)
        #expect(check(verifier, target: nil, params: params, signature: signature, settings: "key=KY1,algorithm=HMAC_MD5") == .unsupportedAlgorithm)
        // Without the header the Auth Token is used, and the SHA-256 signature does not pass.
        #expect(check(verifier, target: nil, params: params, signature: signature) == .mismatch)
        let sha1 = SignatureVerifier.sign(url: url, parameters: params, token: "12345")
        #expect(check(verifier, target: nil, params: params, signature: sha1, settings: "algorithm=HMAC_SHA1") == .valid(.authToken(0)))
    }

    @Test func jsonBodiesAreCoveredByBodySHA256() throws {
        let body = #"{"EventType":"onMessageAdd","Body":"hi"}"#
        let digest = hex(SHA256.hash(Array(body.utf8)))
        let base = "https://example.com/twilio/pre"
        let query = "bodySHA256=" + digest
        let signature = SignatureVerifier.sign(url: base + "?" + query, parameters: [], token: "12345")
        let verifier = try SignatureVerifier(publicURL: base, keys: SignatureKeys(authTokens: ["12345"]))
        #expect(check(verifier, target: query, params: [], signature: signature, json: body) == .valid(.authToken(0)))
        #expect(check(verifier, target: query, params: [], signature: signature, json: body.replacingOccurrences(of: "hi", with: "ho")) == .bodyHashMismatch)
        // A JSON body without bodySHA256 in the URL is not covered by any signature.
        let bare = SignatureVerifier.sign(url: base, parameters: [], token: "12345")
        #expect(check(verifier, target: nil, params: [], signature: bare, json: body) == .bodyHashMismatch)
    }

    @Test func publicURLProblems() {
        for bad in ["ftp://example.com/x", "https://user:pw@example.com/x", "https://example.com/x#frag", "https:///x",
                    "https://example.com:99999/x", "https://exa mple.com/x", "example.com/x"] {
            #expect(throws: SignatureConfigError.self, "\(bad)") { try SignatureVerifier(publicURL: bad, keys: SignatureKeys(authTokens: ["t"])) }
        }
        #expect(throws: Never.self) { try SignatureVerifier(publicURL: "http://[::1]:8080/webhook", keys: SignatureKeys(authTokens: ["t"])) }
    }

    @Test func urlVariants() throws {
        func variants(_ url: String) throws -> [String] { try SignatureVerifier.urlVariants(url).map { String(decoding: $0, as: UTF8.self) } }
        #expect(try variants("https://a.example/x?q=1") == ["https://a.example/x", "https://a.example:443/x"])
        #expect(try variants("https://a.example:443/x") == ["https://a.example:443/x", "https://a.example/x"])
        #expect(try variants("http://a.example/x") == ["http://a.example/x", "http://a.example:80/x"])
        #expect(try variants("http://a.example:8080/x") == ["http://a.example:8080/x"])
        #expect(try variants("http://[::1]/x") == ["http://[::1]/x", "http://[::1]:80/x"])
    }
}

@Suite struct TwilioEventTests {
    func classify(_ name: String) -> TwilioEventKind { Array(name.utf8).withUnsafeBufferPointer { TwilioEvent.classify($0) } }

    @Test func everyEventClassifies() {
        for event in RuleEngineEvents.all { #expect(classify(event.rawValue) == .pre(event)) }
        for event in PostEventType.allCases { #expect(classify(event.rawValue) == .post(event)) }
        #expect(classify("onmessageadd") == .unknown)
        #expect(classify("onMessageAdd ") == .unknown)
        #expect(classify("onSomethingNew") == .unknown)
        #expect(classify("") == .unknown)
    }

    @Test func modelIsConsistentWithTheAnswerKeys() {
        for event in RuleEngineEvents.all {
            #expect(classify(event.postEvent.rawValue) == .post(event.postEvent))
            #expect(Set(event.modifiableParameters).isSubset(of: ["Body", "Author", "Attributes", "FriendlyName"]))
        }
        #expect(Set(RuleEngineEvents.message.modifiableParameters) == ["Body", "Author", "Attributes"])
        #expect(RuleEngineEvents.participant.modifiableParameters.isEmpty)
        #expect(RuleEngineEvents.participant.documentedParameters.contains("Identity"))
    }
}

import RuleEngine
enum RuleEngineEvents {
    static let all = PreEventType.allCases
    static let message = PreEventType.onMessageAdd
    static let participant = PreEventType.onParticipantAdd
}

@Suite struct SecretHygieneTests {
    @Test func verifierAndMACsNeverPrintKeyMaterial() throws {
        let verifier = try SignatureVerifier(publicURL: "https://a.example/x", keys: SignatureKeys(authTokens: ["tok-SECRET"], sharedKeys: ["KY1": "shared-SECRET"]))
        var dumped = ""
        dump(verifier, to: &dumped)
        for text in [String(describing: verifier), String(reflecting: verifier), dumped, String(describing: HMAC<SHA1>(key: Array("k".utf8)))] {
            #expect(!text.contains("SECRET"))
            #expect(!text.contains("SIMD"), "no hash state: \(text)")
        }
    }
}
