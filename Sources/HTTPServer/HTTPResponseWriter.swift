/// Writes HTTP/1.1 responses into a reused byte buffer (no strings, no allocation once it has grown).
public enum HTTPResponseWriter {
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends a whole response to `out`. `date` is the cached IMF-fixdate; `extraHeaders` are
    /// pre-formatted `Name: value\r\n` lines. A HEAD answer keeps the Content-Length of the body it
    /// would have sent, without the body. HTTP/1.0 clients that asked for keep-alive are told so.
    public static func write(status: Int, contentType: StaticString?, extraHeaders: StaticString?, body: UnsafeRawBufferPointer,
                             keepAlive: Bool, minorVersion: Int, headOnly: Bool, date: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        append("HTTP/1.1 ", to: &out)
        appendDecimal(status, to: &out)
        out.append(0x20)
        append(reasonPhrase(status), to: &out)
        append("\r\nDate: ", to: &out)
        out.append(contentsOf: date)
        append("\r\nContent-Length: ", to: &out)
        appendDecimal(body.count, to: &out)
        append("\r\n", to: &out)
        if let contentType {
            append("Content-Type: ", to: &out)
            append(contentType, to: &out)
            append("\r\n", to: &out)
        }
        if !keepAlive {
            append("Connection: close\r\n", to: &out)
        } else if minorVersion == 0 {
            append("Connection: keep-alive\r\n", to: &out)
        }
        if let extraHeaders { append(extraHeaders, to: &out) }
        append("\r\n", to: &out)
        if !headOnly { out.append(contentsOf: body) }
    }

    /// A literal's bytes in one copy (a `String.UTF8View` append goes element by element).
    @inline(__always)
    static func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    public static func reasonPhrase(_ status: Int) -> StaticString {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Unknown"
        }
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

/// HTTP dates (RFC 9110 5.6.7 IMF-fixdate) and the calendar arithmetic behind them, without Foundation.
public enum HTTPDate {
    private static let weekdays: [StaticString] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since the epoch (UTC).
    public static func format(epochSeconds: Int, into out: inout [UInt8]) {
        let (days, secondOfDay) = split(epochSeconds)
        let (year, month, day) = civil(fromDays: days)
        weekdays[((days % 7) + 7) % 7].withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: ", ".utf8)
        appendPadded(day, width: 2, to: &out)
        out.append(0x20)
        months[month - 1].withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x20)
        appendPadded(year, width: 4, to: &out)
        out.append(0x20)
        appendClock(secondOfDay, to: &out)
        out.append(contentsOf: " GMT".utf8)
    }

    /// Days since 1970-01-01 and the second of that day.
    public static func split(_ epochSeconds: Int) -> (days: Int, secondOfDay: Int) {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        return (days, epochSeconds - days * 86_400)
    }

    /// Proleptic Gregorian year, month (1-12) and day for days since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `hh:mm:ss`
    public static func appendClock(_ secondOfDay: Int, to out: inout [UInt8]) {
        appendPadded(secondOfDay / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 60, width: 2, to: &out)
    }

    /// A non-negative number with leading zeros to `width` digits.
    public static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
