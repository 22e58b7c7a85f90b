/// Why bytes are not an acceptable HTTP/1.1 request, with the status to answer. The connection is
/// always closed afterwards: after a framing error nothing that follows can be trusted.
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case badRequestLine, badTarget, unsupportedVersion, targetTooLong
        case badHeader, obsFold, bareLineFeed, headTooLarge, tooManyHeaders, missingHost, duplicateHost
        case invalidContentLength, duplicateContentLength, contentLengthWithTransferEncoding
        case chunkedNotSupported, unsupportedTransferEncoding, lengthRequired, bodyTooLarge
    }
    let kind: Kind

    init(_ kind: Kind) { self.kind = kind }

    /// The status code that answers this error.
    public var status: Int {
        switch kind {
        case .badRequestLine, .badTarget, .badHeader, .obsFold, .bareLineFeed, .missingHost, .duplicateHost,
             .invalidContentLength, .duplicateContentLength, .contentLengthWithTransferEncoding:
            return 400
        case .lengthRequired, .chunkedNotSupported: return 411
        case .bodyTooLarge: return 413
        case .targetTooLong: return 414
        case .headTooLarge, .tooManyHeaders: return 431
        case .unsupportedTransferEncoding: return 501
        case .unsupportedVersion: return 505
        }
    }

    /// A fixed, short reason. Never contains request bytes (they may hold personal data).
    public var description: String {
        switch kind {
        case .badRequestLine: return "malformed request line"
        case .badTarget: return "malformed request target"
        case .unsupportedVersion: return "HTTP version not supported (HTTP/1.0 and HTTP/1.1 only)"
        case .targetTooLong: return "request line too long"
        case .badHeader: return "malformed header field"
        case .obsFold: return "folded header lines are not accepted"
        case .bareLineFeed: return "lines must end in CRLF"
        case .headTooLarge: return "request headers too large"
        case .tooManyHeaders: return "too many header fields"
        case .missingHost: return "HTTP/1.1 request without Host"
        case .duplicateHost: return "more than one Host header"
        case .invalidContentLength: return "invalid Content-Length"
        case .duplicateContentLength: return "more than one Content-Length"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .chunkedNotSupported: return "chunked bodies are not accepted: send Content-Length"
        case .unsupportedTransferEncoding: return "transfer coding not implemented"
        case .lengthRequired: return "Content-Length required"
        case .bodyTooLarge: return "request body too large"
        }
    }
}
