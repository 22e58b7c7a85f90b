import CPCRE2

/// An error from PCRE2: a pattern that does not compile, or a match that ran out of budget.
public struct PCRE2Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// PCRE2's error code (negative for match errors, positive for compile errors).
    public let code: Int32
    /// For compile errors: the byte offset in the pattern where PCRE2 stopped.
    public let patternOffset: Int?
    /// PCRE2's own text for the code.
    public let message: String

    init(code: Int32, patternOffset: Int?) {
        self.code = code
        self.patternOffset = patternOffset
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            pcre2_get_error_message_8(code, $0.baseAddress, $0.count)
        }
        self.message = length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "PCRE2 error \(code)"
    }

    /// The match stopped because a limit was reached (match, depth or heap limit, or JIT stack):
    /// the rule ran out of budget, which is not the same as "no match".
    public var isResourceLimit: Bool {
        code == PCRE2_ERROR_MATCHLIMIT || code == PCRE2_ERROR_DEPTHLIMIT
            || code == PCRE2_ERROR_HEAPLIMIT || code == PCRE2_ERROR_JIT_STACKLIMIT
            || code == PCRE2_ERROR_NOMEMORY
    }

    public var description: String {
        if let patternOffset { return "\(message) at offset \(patternOffset)" }
        return message
    }
}
