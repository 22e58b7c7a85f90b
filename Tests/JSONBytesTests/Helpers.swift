import JSONBytes

/// A test document as raw bytes (so invalid UTF-8 can be expressed) plus a label.
struct Doc: Sendable, CustomStringConvertible {
    let bytes: [UInt8]
    let expected: JSONError.Kind?
    let label: String

    init(_ s: String, _ expected: JSONError.Kind? = nil) {
        bytes = Array(s.utf8)
        self.expected = expected
        label = s
    }

    init(bytes: [UInt8], _ expected: JSONError.Kind? = nil, label: String) {
        self.bytes = bytes
        self.expected = expected
        self.label = label
    }

    var description: String { label }
}

func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Runs `JSON.validate` and returns the error, if any.
func validationError(_ bytes: [UInt8], maxDepth: Int = 64) -> JSONError? {
    bytes.withUnsafeBufferPointer { buf in
        do throws(JSONError) {
            try JSON.validate(buf, maxDepth: maxDepth)
            return nil
        } catch {
            return error
        }
    }
}

func isValid(_ bytes: [UInt8], maxDepth: Int = 64) -> Bool { validationError(bytes, maxDepth: maxDepth) == nil }

/// `appendString` into a fresh array.
func encoded(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    bytes.withUnsafeBufferPointer { JSON.appendString($0, to: &out) }
    return out
}

/// `appendUnescaped` into a fresh array; `Result` so tests can inspect errors.
func unescaped(_ raw: [UInt8]) -> Result<[UInt8], JSONError> {
    var out: [UInt8] = []
    return raw.withUnsafeBufferPointer { buf in
        do throws(JSONError) {
            try JSON.appendUnescaped(stringContent: buf, to: &out)
            return .success(out)
        } catch {
            return .failure(error)
        }
    }
}

/// Member scan collecting (key bytes, value bytes, kind) by slicing the input.
func members(_ bytes: [UInt8], maxDepth: Int = 64) -> Result<[(key: [UInt8], value: [UInt8], kind: JSONValueKind)], JSONError> {
    bytes.withUnsafeBufferPointer { buf in
        var found: [(key: [UInt8], value: [UInt8], kind: JSONValueKind)] = []
        do throws(JSONError) {
            try JSON.forEachMember(ofObject: buf, maxDepth: maxDepth) { m in
                found.append((Array(buf[m.keyRaw]), Array(buf[m.value]), m.valueKind))
            }
            return .success(found)
        } catch {
            return .failure(error)
        }
    }
}

/// Small deterministic PRNG (xorshift64*), so property tests are reproducible.
struct XorShift: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

extension Result {
    var value: Success? { if case .success(let v) = self { return v } else { return nil } }
    var error: Failure? { if case .failure(let e) = self { return e } else { return nil } }
}
