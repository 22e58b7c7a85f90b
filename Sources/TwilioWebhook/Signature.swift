#if canImport(Glibc)
import Glibc
#endif

/// The secrets a request may be signed with.
public struct SignatureKeys: Sendable {
    /// Auth tokens, primary first; a secondary one keeps requests valid during a token rotation.
    public let authTokens: [String]
    /// SharedKey secrets by key id (`X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256`).
    public let sharedKeys: [String: String]

    public init(authTokens: [String], sharedKeys: [String: String] = [:]) {
        self.authTokens = authTokens
        self.sharedKeys = sharedKeys
    }

    public var isEmpty: Bool { authTokens.isEmpty && sharedKeys.isEmpty }
}

/// A public URL that cannot be what Twilio signs.
public struct SignatureConfigError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The parts of a request a signature covers: views, no copies.
public struct SignedRequest {
    /// `X-Twilio-Signature`.
    public var signature: UnsafeBufferPointer<UInt8>?
    /// `X-Twilio-Webhooks-Signature-Settings`.
    public var settings: UnsafeBufferPointer<UInt8>?
    /// The raw query string of the request target (after `?`), or `nil` when there is none.
    public var query: UnsafeBufferPointer<UInt8>?
    /// Decoded POST form parameters; `nil` for GET (the parameters are in the URL) and JSON bodies.
    public var form: FormEventFields?
    /// The raw body, for `bodySHA256`.
    public var body: UnsafeBufferPointer<UInt8>

    public init(signature: UnsafeBufferPointer<UInt8>?, settings: UnsafeBufferPointer<UInt8>?,
                query: UnsafeBufferPointer<UInt8>?, form: FormEventFields?, body: UnsafeBufferPointer<UInt8>) {
        self.signature = signature
        self.settings = settings
        self.query = query
        self.form = form
        self.body = body
    }
}

public enum SignatureKeyUsed: Sendable, Hashable {
    /// Index into ``SignatureKeys/authTokens`` (0: primary).
    case authToken(Int)
    case sharedKey(String)
}

public enum SignatureCheck: Sendable, Hashable {
    case valid(SignatureKeyUsed)
    /// No `X-Twilio-Signature` header.
    case missing
    /// No key and URL variant gives this signature.
    case mismatch
    /// The body is not covered: `bodySHA256` in the URL does not match it, or a non-form body came without one.
    case bodyHashMismatch
    /// The settings header names a SharedKey id this gateway does not have.
    case unknownSharedKey
    /// The settings header names an algorithm other than HMAC_SHA256 (or HMAC_SHA1), or is malformed.
    case unsupportedAlgorithm
}

/// Per-worker scratch for signature checks: sort order of parameters and the encoded MAC.
public final class SignatureScratch {
    var order: [Int] = []
    var prefixes: [UInt64] = []
    var encoded: [UInt8] = []
    var hex: [UInt8] = []
    /// What is signed after the URL: `?query`, then the sorted names and values, in
    /// `message[0..<messageLength]` (the array only grows, and is written through a pointer).
    var message: [UInt8] = []
    var messageLength = 0

    public init() {
        order.reserveCapacity(64)
        prefixes.reserveCapacity(64)
        encoded.reserveCapacity(64)
        hex.reserveCapacity(64)
        message = [UInt8](repeating: 0, count: 4096)
    }
}

/// Checks `X-Twilio-Signature` the way Twilio computes it (see the shared protocol note and the
/// `twilio` helper library's `RequestValidator`): the URL Twilio requested, then for a form POST each
/// parameter name (sorted by bytes) followed by each of its distinct values (sorted), HMAC-SHA1 with
/// the Auth Token (or HMAC-SHA256 with a SharedKey secret), base64, compared in constant time.
/// The URL is tried as configured and with the scheme's default port added or removed, because
/// Twilio is not consistent about it.
public struct SignatureVerifier: Sendable {
    /// `scheme://host[:port]/path` as configured, then its default-port variant (if any).
    let urlBases: [[UInt8]]
    let tokenMACs: [HMAC<SHA1>]
    let sharedKeyMACs: [(id: [UInt8], idString: String, mac: HMAC<SHA256>)]

    /// `publicURL` is the exact URL configured in Twilio. Its query part, if any, is ignored: the
    /// query string Twilio actually requested is taken from each request.
    public init(publicURL: String, keys: SignatureKeys) throws(SignatureConfigError) {
        urlBases = try SignatureVerifier.urlVariants(publicURL)
        tokenMACs = keys.authTokens.map { HMAC<SHA1>(key: Array($0.utf8)) }
        sharedKeyMACs = keys.sharedKeys.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.key, HMAC<SHA256>(key: Array($0.value.utf8))) }
    }

    static func urlVariants(_ url: String) throws(SignatureConfigError) -> [[UInt8]] {
        let bytes = Array(url.utf8)
        func fail(_ why: String) -> SignatureConfigError { SignatureConfigError(description: "public URL '\(url)' \(why)") }
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            throw fail("must start with https:// or http://")
        }
        guard !bytes.contains(UInt8(ascii: "#")) else { throw fail("must not have a #fragment") }
        guard !bytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else { throw fail("must not contain spaces or non-ASCII bytes (percent-encode them as Twilio's configuration does)") }
        let authorityStart = scheme.utf8.count + 3
        var authorityEnd = authorityStart
        while authorityEnd < bytes.count && bytes[authorityEnd] != UInt8(ascii: "/") && bytes[authorityEnd] != UInt8(ascii: "?") { authorityEnd += 1 }
        let authority = Array(bytes[authorityStart..<authorityEnd])
        guard !authority.contains(UInt8(ascii: "@")) else { throw fail("must not carry user:password@") }
        var queryStart = authorityEnd
        while queryStart < bytes.count && bytes[queryStart] != UInt8(ascii: "?") { queryStart += 1 }
        let path = Array(bytes[authorityEnd..<queryStart])

        // Host and optional port (an IPv6 host is in brackets).
        var host = authority
        var port: [UInt8]?
        if let colon = authority.lastIndex(of: UInt8(ascii: ":")), !authority[colon...].contains(UInt8(ascii: "]")) {
            host = Array(authority[..<colon])
            port = Array(authority[(colon + 1)...])
            guard let p = port, !p.isEmpty, p.count <= 5, p.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let number = Int(String(decoding: p, as: UTF8.self)), (1...65535).contains(number) else { throw fail("has a bad port") }
        }
        guard !host.isEmpty else { throw fail("has no host") }
        let prefix = Array((scheme + "://").utf8)
        let defaultPort = Array((scheme == "https" ? "443" : "80").utf8)
        let configured = Array(bytes[0..<queryStart])
        if port == nil {
            return [configured, prefix + host + [UInt8(ascii: ":")] + defaultPort + path]
        } else if port == defaultPort {
            return [configured, prefix + host + path]
        }
        return [configured]
    }

    public func verify(_ request: SignedRequest, scratch: SignatureScratch) -> SignatureCheck {
        guard let signature = request.signature else { return .missing }

        // Which keys: the settings header chooses SharedKey + HMAC_SHA256; otherwise the Auth Tokens.
        var sharedKey: Int?
        if let settings = request.settings {
            var algorithm: UnsafeBufferPointer<UInt8>?
            var keyID: UnsafeBufferPointer<UInt8>?
            var malformed = false
            SignatureVerifier.forEachPair(settings, separator: UInt8(ascii: ",")) { name, value in
                if SignatureVerifier.equals(name, "algorithm") { algorithm = value }
                else if SignatureVerifier.equals(name, "key") { keyID = value }
                else if name.isEmpty { malformed = true }
            }
            if malformed { return .unsupportedAlgorithm }
            if let algorithm {
                if SignatureVerifier.equals(algorithm, "HMAC_SHA256") {
                    guard let keyID, let index = sharedKeyMACs.firstIndex(where: { $0.id.elementsEqual(keyID) }) else { return .unknownSharedKey }
                    sharedKey = index
                } else if !SignatureVerifier.equals(algorithm, "HMAC_SHA1") {
                    return .unsupportedAlgorithm
                }
            }
        }

        // JSON bodies: the URL carries bodySHA256 and nothing is appended; the body must match it.
        if request.form == nil && !request.body.isEmpty {
            guard let expected = request.query.flatMap({ SignatureVerifier.queryValue($0, named: "bodySHA256") }) else { return .bodyHashMismatch }
            var digest = SIMD32<UInt8>()
            var hash = SHA256()
            hash.update(UnsafeRawBufferPointer(request.body))
            withUnsafeMutableBytes(of: &digest) { hash.finalize(into: $0) }
            scratch.hex.removeAll(keepingCapacity: true)
            for i in 0..<32 {
                scratch.hex.append(SignatureVerifier.hexDigits[Int(digest[i] >> 4)])
                scratch.hex.append(SignatureVerifier.hexDigits[Int(digest[i] & 15)])
            }
            let matches = scratch.hex.withUnsafeBytes { constantTimeEquals($0, UnsafeRawBufferPointer(expected)) }
            guard matches else { return .bodyHashMismatch }
        }

        if let form = request.form { sortParameters(form, scratch) }
        signedMessage(request, scratch)
        for base in urlBases {
            if let index = sharedKey {
                var mac = sharedKeyMACs[index].mac
                if matches(&mac, base: base, signature, scratch) { return .valid(.sharedKey(sharedKeyMACs[index].idString)) }
            } else {
                for (index, keyed) in tokenMACs.enumerated() {
                    var mac = keyed
                    if matches(&mac, base: base, signature, scratch) { return .valid(.authToken(index)) }
                }
            }
        }
        return .mismatch
    }

    /// Writes what follows the URL into `scratch.message` once, for every URL variant and key to
    /// hash in one piece: `?query`, then each name and each of its distinct values, in sorted order.
    private func signedMessage(_ request: SignedRequest, _ scratch: SignatureScratch) {
        var needed = request.query.map { $0.count + 1 } ?? 0
        if let form = request.form {
            for index in 0..<form.count { needed += form.key(at: index).count + form.value(at: index).count }
        }
        if scratch.message.count < needed { scratch.message = [UInt8](repeating: 0, count: max(needed, 2 * scratch.message.count)) }
        scratch.messageLength = scratch.message.withUnsafeMutableBufferPointer { buffer -> Int in
            let out = buffer.baseAddress!
            var length = 0
            func append(_ bytes: UnsafeBufferPointer<UInt8>) {
                guard let base = bytes.baseAddress, bytes.count > 0 else { return }
                (out + length).update(from: base, count: bytes.count)
                length += bytes.count
            }
            if let query = request.query {
                out[0] = UInt8(ascii: "?")
                length = 1
                append(query)
            }
            if let form = request.form {
                var previous: Int?
                for index in scratch.order {
                    let key = form.key(at: index), value = form.value(at: index)
                    if let p = previous, form.key(at: p).sameBytes(as: key), form.value(at: p).sameBytes(as: value) {
                        continue  // each distinct value of a name once
                    }
                    append(key)
                    append(value)
                    previous = index
                }
            }
            return length
        }
    }

    /// Hashes URL + `scratch.message` into `mac` and compares its base64 with `signature`.
    private func matches<H>(_ mac: inout HMAC<H>, base: [UInt8], _ signature: UnsafeBufferPointer<UInt8>,
                            _ scratch: SignatureScratch) -> Bool {
        base.withUnsafeBytes { mac.update($0) }
        scratch.message.withUnsafeBytes { mac.update(UnsafeRawBufferPointer(rebasing: $0[0..<scratch.messageLength])) }
        var digest = SIMD32<UInt8>()
        withUnsafeMutableBytes(of: &digest) { mac.finalize(into: $0) }
        scratch.encoded.removeAll(keepingCapacity: true)
        withUnsafeBytes(of: &digest) { Base64.encode(UnsafeRawBufferPointer(rebasing: $0[0..<H.digestSize]), into: &scratch.encoded) }
        return scratch.encoded.withUnsafeBytes { constantTimeEquals($0, UnsafeRawBufferPointer(signature)) }
    }

    /// Insertion sort of parameter indices by (name, value) bytes: allocation-free, and forms are small.
    /// Names are compared by their first 8 bytes as one big-endian integer, and by memcmp only when
    /// those tie; the scratch arrays are moved into locals so the loop runs without access checks.
    private func sortParameters(_ form: FormEventFields, _ scratch: SignatureScratch) {
        var order: [Int] = []
        var prefixes: [UInt64] = []
        swap(&order, &scratch.order)
        swap(&prefixes, &scratch.prefixes)
        defer {
            swap(&order, &scratch.order)
            swap(&prefixes, &scratch.prefixes)
        }
        order.removeAll(keepingCapacity: true)
        prefixes.removeAll(keepingCapacity: true)
        for index in 0..<form.count {
            prefixes.append(SignatureVerifier.bigEndianPrefix(form.key(at: index)))
            order.append(index)
        }
        prefixes.withUnsafeBufferPointer { prefix in
            order.withUnsafeMutableBufferPointer { order in
                for position in order.indices.dropFirst() {
                    let index = order[position]
                    var j = position
                    while j > 0 {
                        let other = order[j - 1]
                        let before = prefix[index] != prefix[other] ? prefix[index] < prefix[other]
                                                                    : SignatureVerifier.precedes(form, index, other)
                        if !before { break }
                        order[j] = other
                        j -= 1
                    }
                    order[j] = index
                }
            }
        }
    }

    /// The first 8 bytes as a big-endian integer, zero-padded: a < b as integers implies a < b in
    /// byte order (a shorter name pads with zeros, the smallest byte); equal prefixes decide nothing.
    @inline(__always)
    static func bigEndianPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
        return value
    }

    static func precedes(_ form: FormEventFields, _ a: Int, _ b: Int) -> Bool {
        let order = compare(form.key(at: a), form.key(at: b))
        if order != 0 { return order < 0 }
        return compare(form.value(at: a), form.value(at: b)) < 0
    }

    /// Byte order, as memcmp gives it (shorter first on a common prefix).
    @inline(__always)
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    // MARK: - Small parsers

    static let hexDigits = Array("0123456789abcdef".utf8)

    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { bytes.elementsEqual($0) }
    }

    /// `a=1<sep>b=2`, each name and value trimmed of spaces.
    static func forEachPair(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8,
                            _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        var i = 0
        while i <= bytes.count {
            var end = i
            while end < bytes.count && bytes[end] != separator { end += 1 }
            var eq = i
            while eq < end && bytes[eq] != UInt8(ascii: "=") { eq += 1 }
            body(trimmed(bytes, i..<eq), trimmed(bytes, min(eq + 1, end)..<end))
            i = end + 1
        }
    }

    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        var a = range.lowerBound, b = range.upperBound
        while a < b && bytes[a] == 0x20 { a += 1 }
        while b > a && bytes[b - 1] == 0x20 { b -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[a..<b])
    }

    /// The raw value of the first `name=` parameter of a query string.
    static func queryValue(_ query: UnsafeBufferPointer<UInt8>, named name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        var found: UnsafeBufferPointer<UInt8>?
        forEachPair(query, separator: UInt8(ascii: "&")) { key, value in
            if found == nil && equals(key, name) { found = value }
        }
        return found
    }

    // MARK: - Signing (tools and tests)

    /// The X-Twilio-Signature for a form POST of `parameters` to `url`, HMAC-SHA1 with `token`.
    public static func sign(url: String, parameters: [(String, String)], token: String) -> String {
        signature(HMAC<SHA1>(key: Array(token.utf8)), url: url, parameters: parameters)
    }

    /// The same with a SharedKey secret and HMAC-SHA256.
    public static func signSHA256(url: String, parameters: [(String, String)], secret: String) -> String {
        signature(HMAC<SHA256>(key: Array(secret.utf8)), url: url, parameters: parameters)
    }

    static func signature<H>(_ keyed: HMAC<H>, url: String, parameters: [(String, String)]) -> String {
        var mac = keyed
        var message = Array(url.utf8)
        let sorted = parameters.map { (Array($0.0.utf8), Array($0.1.utf8)) }.sorted {
            $0.0 != $1.0 ? $0.0.lexicographicallyPrecedes($1.0) : $0.1.lexicographicallyPrecedes($1.1)
        }
        var previous: ([UInt8], [UInt8])?
        for pair in sorted where previous.map({ $0 != pair }) ?? true {
            message += pair.0 + pair.1
            previous = pair
        }
        message.withUnsafeBytes { mac.update($0) }
        var digest = [UInt8](repeating: 0, count: H.digestSize)
        digest.withUnsafeMutableBytes { mac.finalize(into: $0) }
        var out: [UInt8] = []
        digest.withUnsafeBytes { Base64.encode($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Keyed MAC state is as good as the key: never print or mirror it.
extension SignatureVerifier: CustomStringConvertible, CustomReflectable {
    public var description: String {
        "SignatureVerifier(\(urlBases.count) URL variants, \(tokenMACs.count) auth tokens, \(sharedKeyMACs.count) shared keys)"
    }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
