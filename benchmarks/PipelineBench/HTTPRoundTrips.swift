import Foundation
import Gateway
import MallocCounter
import TwilioWebhook
#if canImport(Glibc)
import Glibc
#endif

/// Heap allocations per HTTP request through the whole gateway (parse, form decode, signature,
/// pipeline, metrics, answer), counted in-process while one keep-alive client thread (with
/// preallocated buffers, so it allocates nothing itself) sends signed requests over loopback.
enum HTTPRoundTrips {
    static func run(rules: String, requests: Int) {
        run(rules: rules, requests: requests, requestLog: false)
        // The same with the per-request JSON log line on (sent to /dev/null here).
        let saved = dup(STDERR_FILENO)
        let null = open("/dev/null", O_WRONLY)
        dup2(null, STDERR_FILENO)
        run(rules: rules, requests: requests, requestLog: true)
        dup2(saved, STDERR_FILENO)
        close(null)
        close(saved)
    }

    static func run(rules: String, requests: Int, requestLog: Bool) {
        let token = "bench-token"
        var configuration: ServeConfiguration
        do {
            configuration = try ServeConfiguration.resolve(
                flags: ["--rules": rules, "--port": "0", "--workers": "1", "--public-url": "http://127.0.0.1/webhook", "--no-request-log": ""],
                environment: ["TWILIO_AUTH_TOKEN": token])
        } catch {
            print("http: \(error)")
            return
        }
        configuration.reloadPollMilliseconds = 0
        configuration.requestLog = requestLog
        guard let app = try? GatewayApp(configuration: configuration) else { print("http: cannot set up"); return }
        app.store.reload()
        let server = app.makeServer()
        guard let port = try? server.start() else { print("http: cannot listen"); return }
        defer { server.shutdown(); server.waitUntilStopped() }

        let messages = [
            "Hi! Thanks for getting back to me so quickly. Could we move the call to Thursday afternoon, please?",
            "mail me at jane.doe@example.com or call +44 7911 123456",
            "this is f.u.c.k.i.n.g ridiculous",
        ]
        let wire: [[UInt8]] = messages.map { body in
            let params = [("AccountSid", "AC" + String(repeating: "a", count: 32)), ("EventType", "onMessageAdd"), ("Body", body),
                          ("Author", "user-4711"), ("Attributes", #"{"channel":"web"}"#), ("Source", "SDK"), ("RetryCount", "0")]
            let signature = SignatureVerifier.sign(url: "http://127.0.0.1/webhook", parameters: params, token: token)
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._*")
            let form = params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
            return Array("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: \(signature)\r\nContent-Length: \(form.utf8.count)\r\n\r\n\(form)".utf8)
        }

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var statuses = [0, 0, 0]
        let key = Array("Content-Length: ".utf8)  // hoisted: the client must not allocate per request

        /// Sends one request and reads its whole answer; returns the status.
        func roundTrip(_ request: [UInt8]) -> Int {
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            var have = 0
            return buffer.withUnsafeMutableBytes { raw -> Int in
                while true {
                    let n = recv(fd, raw.baseAddress! + have, raw.count - have, 0)
                    if n <= 0 { return -1 }
                    have += n
                    // Head end and Content-Length, by hand (no allocation).
                    var i = 0
                    while i + 3 < have && !(raw[i] == 13 && raw[i + 1] == 10 && raw[i + 2] == 13 && raw[i + 3] == 10) { i += 1 }
                    guard i + 3 < have else { continue }
                    var length = 0, j = 0
                    while j + key.count < i {
                        var k = 0
                        while k < key.count && raw[j + k] == key[k] { k += 1 }
                        if k == key.count {
                            var p = j + k
                            while raw[p] >= 48 && raw[p] <= 57 { length = length * 10 + Int(raw[p] - 48); p += 1 }
                            break
                        }
                        j += 1
                    }
                    if have >= i + 4 + length { return Int(raw[9] - 48) * 100 + Int(raw[10] - 48) * 10 + Int(raw[11] - 48) }
                }
            }
        }

        for i in 0..<300 { _ = roundTrip(wire[i % wire.count]) }  // warm-up
        let before = prehook_allocation_count()
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<requests {
            let status = roundTrip(wire[i % wire.count])
            statuses[status == 200 ? 0 : status == 403 ? 1 : 2] += 1
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let allocations = Double(prehook_allocation_count() - before) / Double(requests)
        if !requestLog { print("\nHTTP through the whole gateway (1 worker, 1 keep-alive connection, signed onMessageAdd: clean, PII, profane in turn)") }
        print("  request log \(requestLog ? "on " : "off"), \(requests) requests: \(Int(Double(requests) / elapsed)) round trips/s, \(String(format: "%.2f", 1e6 * elapsed / Double(requests))) us each, "
              + "\(String(format: "%.2f", allocations)) allocations/request  [target <= 4]  (200: \(statuses[0]), 403: \(statuses[1]), other: \(statuses[2]))")
    }
}
