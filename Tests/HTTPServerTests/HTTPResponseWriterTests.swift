import Testing
@testable import HTTPServer

@Suite struct HTTPResponseWriterTests {
    func write(status: Int, contentType: StaticString? = nil, extra: StaticString? = nil, body: String = "",
               keepAlive: Bool = true, minor: Int = 1, headOnly: Bool = false) -> String {
        var out: [UInt8] = []
        let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)
        Array(body.utf8).withUnsafeBytes { b in
            date.withUnsafeBytes { d in
                HTTPResponseWriter.write(status: status, contentType: contentType, extraHeaders: extra, body: b, keepAlive: keepAlive,
                                         minorVersion: minor, headOnly: headOnly, date: d, into: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func jsonKeepAlive() {
        #expect(write(status: 200, contentType: "application/json", body: #"{"body":"x"}"#) ==
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 12\r\nContent-Type: application/json\r\n\r\n{\"body\":\"x\"}")
    }

    @Test func rejectionThatCloses() {
        #expect(write(status: 403, keepAlive: false) ==
            "HTTP/1.1 403 Forbidden\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func methodNotAllowedWithAllow() {
        #expect(write(status: 405, extra: "Allow: GET, POST\r\n") ==
            "HTTP/1.1 405 Method Not Allowed\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\nAllow: GET, POST\r\n\r\n")
    }

    @Test func headKeepsTheLengthButNotTheBody() {
        #expect(write(status: 200, body: "hello", headOnly: true).hasSuffix("Content-Length: 5\r\n\r\n"))
    }

    @Test func http10KeepAliveIsConfirmed() {
        #expect(write(status: 200, minor: 0).contains("Connection: keep-alive\r\n"))
        #expect(!write(status: 200, minor: 1).contains("Connection:"))
    }

    @Test func imfFixdates() {
        func date(_ seconds: Int) -> String {
            var out: [UInt8] = []
            HTTPDate.format(epochSeconds: seconds, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(date(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(date(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(date(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(date(4_102_444_800) == "Fri, 01 Jan 2100 00:00:00 GMT")
    }
}
