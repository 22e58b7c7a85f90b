import Testing
@testable import HTTPServer
import SeededRandom

/// Parses `text` in one go and returns the result plus the parser, for inspecting the head.
func parseOnce(_ text: String, limits: HTTPLimits = HTTPLimits()) -> (HTTPParseResult, HTTPRequestParser, [UInt8]) {
    var parser = HTTPRequestParser(limits: limits)
    let bytes = Array(text.utf8)
    let result = bytes.withUnsafeBufferPointer { parser.parse($0) }
    return (result, parser, bytes)
}

/// Feeds `bytes` in pieces split at `splits` (growing prefixes, as a connection buffer grows) and
/// returns the first result that is not `.needMore`/`.expectContinue`, or the last one.
func parseInPieces(_ bytes: [UInt8], splits: [Int], limits: HTTPLimits = HTTPLimits()) -> HTTPParseResult {
    var parser = HTTPRequestParser(limits: limits)
    var result = HTTPParseResult.needMore
    for end in splits + [bytes.count] {
        result = Array(bytes[0..<end]).withUnsafeBufferPointer { parser.parse($0) }
        if case .complete = result { return result }
        if case .invalid = result { return result }
    }
    return result
}

func text(_ bytes: [UInt8], _ range: Range<Int>?) -> String? { range.map { String(decoding: bytes[$0], as: UTF8.self) } }

@Suite struct HTTPRequestParserTests {
    @Test func simpleGet() {
        let (result, parser, bytes) = parseOnce("GET /healthz?x=1&y HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(result == .complete(length: bytes.count))
        #expect(parser.head.method == .get)
        #expect(text(bytes, parser.head.path) == "/healthz")
        #expect(text(bytes, parser.head.query) == "x=1&y")
        #expect(text(bytes, parser.head.target) == "/healthz?x=1&y")
        #expect(parser.head.keepAlive)
        #expect(parser.head.minorVersion == 1)
        #expect(parser.head.contentLength == 0)
    }

    @Test func twilioFormPost() {
        let body = "AccountSid=AC123&EventType=onMessageAdd&Body=hello+there%21"
        let request = "POST /webhook HTTP/1.1\r\nHost: gw.example.com\r\nUser-Agent: TwilioProxy/1.1\r\nContent-Type: application/x-www-form-urlencoded; charset=UTF-8\r\nX-Twilio-Signature:   8UnHjR0VNxldtcfUEFBAybIS5po=  \r\nI-Twilio-Idempotency-Token: 7a1d\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let (result, parser, bytes) = parseOnce(request)
        #expect(result == .complete(length: bytes.count))
        #expect(parser.head.method == .post)
        #expect(text(bytes, parser.head.body) == body)
        bytes.withUnsafeBufferPointer { buffer in
            #expect(text(bytes, parser.headerValue("x-twilio-signature", in: buffer)) == "8UnHjR0VNxldtcfUEFBAybIS5po=")
            #expect(text(bytes, parser.headerValue("content-type", in: buffer)) == "application/x-www-form-urlencoded; charset=UTF-8")
            #expect(parser.headerValue("x-missing", in: buffer) == nil)
        }
        #expect(parser.headerCount == 6)
    }

    @Test func peersAsTheySendIt() {
        let peers = [
            // curl 7.88 -d
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nX-Twilio-Signature: abc=\r\nContent-Length: 7\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nBody=hi",
            // Python requests
            "POST /webhook HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: python-requests/2.31.0\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\nContent-Length: 7\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nBody=hi",
            // wrk with a Lua-built request
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: abc=\r\nContent-Length: 7\r\n\r\nBody=hi",
        ]
        for peer in peers {
            let (result, parser, bytes) = parseOnce(peer)
            #expect(result == .complete(length: bytes.count))
            #expect(text(bytes, parser.head.body) == "Body=hi")
        }
    }

    @Test func keepAliveRules() {
        #expect(parseOnce("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").1.head.keepAlive == false)
        #expect(parseOnce("GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE\r\n\r\n").1.head.keepAlive == false)
        #expect(parseOnce("GET / HTTP/1.0\r\n\r\n").1.head.keepAlive == false)
        #expect(parseOnce("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").1.head.keepAlive == true)
        #expect(parseOnce("GET / HTTP/1.0\r\nconnection:Keep-Alive\r\n\r\n").1.head.minorVersion == 0)
    }

    @Test func laterMinorVersionsAreAnsweredAsHTTP11() {
        let (result, parser, bytes) = parseOnce("GET / HTTP/1.2\r\nHost: a\r\n\r\n")
        #expect(result == .complete(length: bytes.count))
        #expect(parser.head.minorVersion == 1)
    }

    @Test func closeWinsAndHTTP10IgnoresExpect() {
        #expect(parseOnce("GET / HTTP/1.0\r\nConnection: close, keep-alive\r\n\r\n").1.head.keepAlive == false)
        #expect(parseOnce("GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n").1.head.keepAlive == false)
        #expect(parseOnce("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n").1.head.keepAlive == false)
        let old = "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
        #expect(parseOnce(old).0 == .needMore)
    }

    @Test func bareLineFeedHeadsAreRefusedAtOnce() {
        // Without CRs the head never ends: it must be refused before the size limit, not left waiting.
        #expect(parseOnce("GET / HTTP/1.1\nHost: a\n").0.status == 400)
        #expect(parseOnce("GET / HTTP/1.1\nHost: a\n\n").0.status == 400)
        #expect(parseInPieces(Array("GET / HTTP/1.1\r\nHost: a\nX: 1".utf8), splits: [5, 20]).status == 400)
    }

    @Test func absoluteFormAndAsterisk() {
        let (result, parser, bytes) = parseOnce("GET http://gw.example.com:8080/webhook?a=b HTTP/1.1\r\nHost: gw.example.com\r\n\r\n")
        #expect(result == .complete(length: bytes.count))
        #expect(text(bytes, parser.head.path) == "/webhook")
        #expect(text(bytes, parser.head.query) == "a=b")
        #expect(parseOnce("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").0 == .complete(length: 31))
        #expect(parseOnce("GET * HTTP/1.1\r\nHost: a\r\n\r\n").0.status == 400)
    }

    @Test func leadingBlankLinesAreSkipped() {
        let request = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let (result, parser, bytes) = parseOnce(request)
        #expect(result == .complete(length: bytes.count))
        #expect(text(bytes, parser.head.path) == "/")
    }

    static let errors: [(String, Int)] = [
        ("garbage\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
        ("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{01}c\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: a\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 300000\r\n\r\n", 413),
    ]

    @Test func everyErrorHasItsStatus() {
        for (request, status) in HTTPRequestParserTests.errors {
            #expect(parseOnce(request).0.status == status, "\(request.debugDescription)")
        }
    }

    @Test func oversizedHeadsAndTargets() {
        let limits = HTTPLimits(maxHeadBytes: 1024)
        let longTarget = "GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parseOnce(longTarget, limits: limits).0.status == 414)
        // Still incomplete, but already past the limit: refused without waiting for the end.
        #expect(parseOnce("GET /" + String(repeating: "a", count: 2000), limits: limits).0.status == 414)
        let bigHeader = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 2000) + "\r\n\r\n"
        #expect(parseOnce(bigHeader, limits: limits).0.status == 431)
        #expect(parseOnce("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 2000), limits: limits).0.status == 431)
        let many = "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X: y\r\n", count: 101) + "\r\n"
        #expect(parseOnce(many).0.status == 431)
        #expect(parseOnce("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1025\r\n\r\n", limits: HTTPLimits(maxBodyBytes: 1024)).0.status == 413)
    }

    @Test func pipelinedRequestsComeOneAtATime() {
        let one = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        let two = "GET /b HTTP/1.1\r\nHost: a\r\n\r\n"
        let three = "POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nz"
        var bytes = Array((one + two + three).utf8)
        var parser = HTTPRequestParser()
        var paths: [String] = []
        while !bytes.isEmpty {
            let result = bytes.withUnsafeBufferPointer { parser.parse($0) }
            guard case .complete(let length) = result else { Issue.record("unexpected \(result)"); return }
            paths.append(text(bytes, parser.head.path)!)
            bytes.removeFirst(length)
        }
        #expect(paths == ["/a", "/b", "/c"])
    }

    @Test func expectContinueIsReportedOnce() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
        var parser = HTTPRequestParser()
        let bytes = Array((head + "hello").utf8)
        let headOnly = Array(bytes[0..<head.utf8.count])
        #expect(headOnly.withUnsafeBufferPointer { parser.parse($0) } == .expectContinue)
        #expect(headOnly.withUnsafeBufferPointer { parser.parse($0) } == .needMore)
        #expect(bytes.withUnsafeBufferPointer { parser.parse($0) } == .complete(length: bytes.count))
    }

    @Test func tokenBytesAreRFC9110TChars() {
        let tchar = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8))
        for b in 0...255 {
            #expect(HTTPRequestParser.isTokenByte(UInt8(b)) == tchar.contains(UInt8(b)), "byte \(b)")
        }
    }

    @Test func everySplitPointGivesTheSameResult() {
        let samples = [
            "POST /webhook?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nBody=hello!",
            "\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        ] + HTTPRequestParserTests.errors.map(\.0)
        for sample in samples {
            let bytes = Array(sample.utf8)
            let whole = parseOnce(sample).0
            for split in 1..<bytes.count {
                let pieces = parseInPieces(bytes, splits: [split])
                #expect(pieces == whole, "split at \(split) of \(sample.debugDescription)")
            }
            #expect(parseInPieces(bytes, splits: Array(1..<bytes.count)) == whole, "byte by byte: \(sample.debugDescription)")
        }
    }

    @Test func dribbledHeadCostsLinearWork() {
        // 16 KiB fed one byte at a time: with a rescanning parser this is ~134M byte visits and takes seconds.
        let head = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 16_000) + "\r\n\r\n"
        let bytes = Array(head.utf8)
        let limits = HTTPLimits(maxHeadBytes: 20_000)
        var parser = HTTPRequestParser(limits: limits)
        let clock = ContinuousClock()
        var result = HTTPParseResult.needMore
        let elapsed = clock.measure {
            bytes.withUnsafeBufferPointer { all in
                for end in 1...all.count {
                    result = parser.parse(UnsafeBufferPointer(rebasing: all[0..<end]))
                }
            }
        }
        #expect(result == .complete(length: bytes.count))
        // Generous bound, only to catch quadratic behaviour (debug build, shared CI machine).
        #expect(elapsed < .seconds(2))
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 42)
        let valid = Array("POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nBody".utf8)
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = valid
                for _ in 0..<Int(rng.next() % 4 + 1) {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                    }
                }
            }
            var parser = HTTPRequestParser(limits: HTTPLimits(maxHeadBytes: 1024, maxBodyBytes: 1024))
            let result = bytes.withUnsafeBufferPointer { parser.parse($0) }
            if case .complete(let length) = result { #expect(length <= bytes.count) }
        }
    }
}

extension HTTPParseResult {
    var status: Int? {
        if case .invalid(let error) = self { return error.status }
        return nil
    }
}
