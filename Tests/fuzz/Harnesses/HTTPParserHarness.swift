import HTTPServer
import SeededRandom

/// The parser sees a connection's bytes in whatever pieces the kernel hands over. Whatever the
/// pieces, it must find the same requests (same framing, same head) and the same error: a parser
/// whose answer depends on packet boundaries is a smuggling bug. The first two input bytes seed the
/// piece sizes; the rest is the stream. Small limits let the fuzzer reach them.
enum HTTPParserHarness {
    static let limits = HTTPLimits(maxHeadBytes: 1024, maxBodyBytes: 4096, maxHeaderCount: 16)

    /// What the parser reported, in terms that do not depend on how the bytes were split.
    enum Event: Equatable {
        case request(Request)
        /// 414 and 431 are one class here: which one depends on whether the request line's end had
        /// arrived when the head outgrew the limit, a legitimate difference between splits.
        case invalid(status: Int)
        case incomplete
    }

    struct Request: Equatable {
        var length: Int
        var head: HTTPRequestHead
        var headers: [HTTPHeader]
    }

    @Sendable static func run(_ data: UnsafeBufferPointer<UInt8>) {
        guard data.count >= 2 else { return }
        let seed = UInt64(data[0]) | UInt64(data[1]) << 8
        let stream = UnsafeBufferPointer(rebasing: data[2...])
        let whole = events(stream, seed: nil)
        let split = events(stream, seed: seed)
        invariant(whole == split, "split-dependent parse: whole \(whole) vs split \(split)")
    }

    static func events(_ stream: UnsafeBufferPointer<UInt8>, seed: UInt64?) -> [Event] {
        var parser = HTTPRequestParser(limits: limits)
        var random = SplitMix64(seed: seed ?? 0)
        var pending: [UInt8] = []  // bytes received and not yet consumed by a request
        var fed = 0
        var events: [Event] = []
        while true {
            // Parse what is here until the parser wants more.
            parsing: while true {
                let result = pending.withUnsafeBufferPointer { parser.parse($0) }
                switch result {
                case .needMore, .expectContinue:
                    break parsing
                case .complete(let length):
                    invariant(length > 0 && length <= pending.count, "complete length \(length) of \(pending.count) bytes")
                    let head = parser.head
                    invariant(head.body.upperBound == length && head.body.count == head.contentLength, "body \(head.body) for length \(length)")
                    var headers: [HTTPHeader] = []
                    for index in 0..<parser.headerCount {
                        let header = parser.header(at: index)
                        invariant(header.name.upperBound <= head.body.lowerBound && header.value.upperBound <= head.body.lowerBound,
                                  "header outside the head")
                        headers.append(header)
                    }
                    invariant(head.target.upperBound <= head.body.lowerBound && head.path.upperBound <= head.target.upperBound,
                              "target outside the head")
                    events.append(.request(Request(length: length, head: head, headers: headers)))
                    pending.removeFirst(length)
                case .invalid(let error):
                    let status = error.status == 414 ? 431 : error.status
                    invariant((400...505).contains(status), "status \(error.status) for an invalid request")
                    events.append(.invalid(status: status))
                    return events
                }
            }
            guard fed < stream.count else {
                events.append(.incomplete)
                return events
            }
            let count = seed == nil ? stream.count - fed : min(stream.count - fed, 1 + Int(random.next() % 48))
            pending.append(contentsOf: stream[fed..<(fed + count)])
            fed += count
        }
    }
}
