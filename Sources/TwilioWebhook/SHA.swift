import CSHA1

/// A streaming hash with fixed-size state: no heap allocation, so it can run on every request.
public protocol HashFunction: Sendable {
    static var blockSize: Int { get }
    static var digestSize: Int { get }
    init()
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// Writes `digestSize` bytes to `out`. The state is spent afterwards.
    mutating func finalize(into out: UnsafeMutableRawBufferPointer)
}

extension HashFunction {
    /// One-shot digest (tools and tests).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = Self()
        bytes.withUnsafeBytes { h.update($0) }
        var out = [UInt8](repeating: 0, count: digestSize)
        out.withUnsafeMutableBytes { h.finalize(into: $0) }
        return out
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }
}

/// The 64-byte block buffering and Merkle–Damgård padding SHA-1 and SHA-256 share. Whole blocks
/// are compressed straight from the input; only a partial block is copied.
struct BlockBuffer: Sendable {
    var block = SIMD64<UInt8>()
    var filled = 0
    var length: UInt64 = 0

    /// Feeds bytes, calling `compress(pointer, n)` for runs of `n` full 64-byte blocks: the whole
    /// blocks of the input in one call, so a hardware compression takes them in one go.
    mutating func append(_ bytes: UnsafeRawBufferPointer, _ compress: (UnsafeRawPointer, Int) -> Void) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if filled > 0 {
            let take = min(64 - filled, bytes.count)
            withUnsafeMutableBytes(of: &block) { $0.baseAddress!.advanced(by: filled).copyMemory(from: base, byteCount: take) }
            filled += take
            offset = take
            guard filled == 64 else { return }
            withUnsafeBytes(of: &block) { compress($0.baseAddress!, 1) }
            filled = 0
        }
        let blocks = (bytes.count - offset) / 64
        if blocks > 0 {
            compress(base + offset, blocks)
            offset += 64 * blocks
        }
        let rest = bytes.count - offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &block) { $0.baseAddress!.copyMemory(from: base + offset, byteCount: rest) }
            filled = rest
        }
    }

    /// Appends 0x80, zeros and the big-endian bit length, compressing the last block(s).
    mutating func pad(_ compress: (UnsafeRawPointer) -> Void) {
        let bits = length &* 8
        let used = filled
        withUnsafeMutableBytes(of: &block) { raw in
            let base = raw.baseAddress!
            base.storeBytes(of: 0x80, toByteOffset: used, as: UInt8.self)
            if used + 1 > 56 {
                (base + used + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 63 - used)
                compress(base)
                base.initializeMemory(as: UInt8.self, repeating: 0, count: 56)
            } else {
                (base + used + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 55 - used)
            }
            base.storeBytes(of: bits.bigEndian, toByteOffset: 56, as: UInt64.self)
            compress(base)
        }
        filled = 0
    }

    @inline(__always)
    static func word(_ block: UnsafeRawPointer, _ i: Int) -> UInt32 {
        UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
    }
}

@inline(__always) func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
@inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

/// Writes the first `count` words big-endian (no temporary array: this runs per request).
func storeBigEndian(_ words: SIMD8<UInt32>, count: Int, into out: UnsafeMutableRawBufferPointer) {
    for w in 0..<count {
        let word = words[w]
        out[4 * w] = UInt8(truncatingIfNeeded: word >> 24)
        out[4 * w + 1] = UInt8(truncatingIfNeeded: word >> 16)
        out[4 * w + 2] = UInt8(truncatingIfNeeded: word >> 8)
        out[4 * w + 3] = UInt8(truncatingIfNeeded: word)
    }
}

/// SHA-1 (RFC 3174). Only for Twilio's HMAC-SHA1 request signatures, which Twilio still uses.
public struct SHA1: HashFunction {
    public static let blockSize = 64
    public static let digestSize = 20
    var h = SIMD8<UInt32>(0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0, 0, 0, 0)
    var buffer = BlockBuffer()

    public init() {}

    /// Whether the x86 SHA extensions do the compression (checked once per process).
    static let useHardware = csha1_hardware_available() == 1

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var state = h
        let hardware = SHA1.useHardware
        buffer.append(bytes) { SHA1.compressBlocks(&state, $0, $1, hardware: hardware) }
        h = state
    }

    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        var state = h
        let hardware = SHA1.useHardware
        buffer.pad { SHA1.compressBlocks(&state, $0, 1, hardware: hardware) }
        storeBigEndian(state, count: 5, into: out)
    }

    @inline(__always)
    static func compressBlocks(_ h: inout SIMD8<UInt32>, _ blocks: UnsafeRawPointer, _ count: Int, hardware: Bool) {
        if hardware {
            withUnsafeMutableBytes(of: &h) { raw in
                csha1_compress_hardware(raw.baseAddress!.assumingMemoryBound(to: UInt32.self), blocks.assumingMemoryBound(to: UInt8.self), count)
            }
        } else {
            for i in 0..<count { compress(&h, blocks + 64 * i) }
        }
    }

    /// The portable compression (RFC 3174 section 6.1).
    static func compress(_ h: inout SIMD8<UInt32>, _ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for i in 0..<16 { w[i] = BlockBuffer.word(block, i) }
            for t in 16..<80 { w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
            @inline(__always) func round(_ f: UInt32, _ k: UInt32, _ t: Int) {
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d; d = c; c = rotl(b, 30); b = a; a = temp
            }
            for t in 0..<20 { round((b & c) | (~b & d), 0x5A82_7999, t) }
            for t in 20..<40 { round(b ^ c ^ d, 0x6ED9_EBA1, t) }
            for t in 40..<60 { round((b & c) | (b & d) | (c & d), 0x8F1B_BCDC, t) }
            for t in 60..<80 { round(b ^ c ^ d, 0xCA62_C1D6, t) }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
    }
}

/// SHA-256 (FIPS 180-4): `bodySHA256` of JSON webhook bodies and HMAC-SHA256 SharedKey signatures.
public struct SHA256: HashFunction {
    public static let blockSize = 64
    public static let digestSize = 32
    var h = SIMD8<UInt32>(0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19)
    var buffer = BlockBuffer()

    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var state = h
        buffer.append(bytes) { blocks, count in for i in 0..<count { SHA256.compress(&state, blocks + 64 * i) } }
        h = state
    }

    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        var state = h
        buffer.pad { SHA256.compress(&state, $0) }
        storeBigEndian(state, count: 8, into: out)
    }

    static func compress(_ h: inout SIMD8<UInt32>, _ block: UnsafeRawPointer) {
        SHA256.k.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                for i in 0..<16 { w[i] = BlockBuffer.word(block, i) }
                for t in 16..<64 {
                    let w15 = w[t - 15], w2 = w[t - 2]
                    let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
                    let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
                    w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                }
                var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
                for t in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
                h &+= SIMD8(a, b, c, d, e, f, g, hh)
            }
        }
    }
}

/// HMAC (RFC 2104) over any ``HashFunction``. A keyed value can be copied and reused: the key
/// schedule is done once per key, then each message starts from a copy.
public struct HMAC<H: HashFunction>: Sendable {
    var inner = H()
    var outer = H()

    public init(key: UnsafeRawBufferPointer) {
        var block = SIMD64<UInt8>()
        if key.count > H.blockSize {
            var digest = SIMD32<UInt8>()
            var h = H()
            h.update(key)
            withUnsafeMutableBytes(of: &digest) { h.finalize(into: $0) }
            for i in 0..<H.digestSize { block[i] = digest[i] }
        } else {
            for i in 0..<key.count { block[i] = key[i] }
        }
        var pad = block ^ SIMD64(repeating: 0x36)
        withUnsafeBytes(of: &pad) { inner.update(UnsafeRawBufferPointer(rebasing: $0[0..<H.blockSize])) }
        pad = block ^ SIMD64(repeating: 0x5C)
        withUnsafeBytes(of: &pad) { outer.update(UnsafeRawBufferPointer(rebasing: $0[0..<H.blockSize])) }
    }

    public init(key: [UInt8]) { self = key.withUnsafeBytes { HMAC(key: $0) } }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bytes) }

    /// Writes the `H.digestSize`-byte MAC.
    public mutating func finalize(into out: UnsafeMutableRawBufferPointer) {
        var digest = SIMD32<UInt8>()
        withUnsafeMutableBytes(of: &digest) { inner.finalize(into: $0) }
        withUnsafeBytes(of: &digest) { outer.update(UnsafeRawBufferPointer(rebasing: $0[0..<H.digestSize])) }
        outer.finalize(into: out)
    }

    /// One-shot MAC (tools and tests).
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var mac = HMAC(key: key)
        message.withUnsafeBytes { mac.update($0) }
        var out = [UInt8](repeating: 0, count: H.digestSize)
        out.withUnsafeMutableBytes { mac.finalize(into: $0) }
        return out
    }
}

/// A keyed HMAC's state reveals as much as its key: it never prints or mirrors its contents.
extension HMAC: CustomStringConvertible, CustomReflectable {
    public var description: String { "HMAC(keyed, redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Base64 (RFC 4648, standard alphabet, padded), as X-Twilio-Signature carries it.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the encoding of `bytes` to `out`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18)]); out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)]); out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18)]); out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
    }
}

/// Compares without stopping at the first difference, so timing does not tell an attacker how much
/// of a forged signature was right. (The length is not secret: it is fixed by the algorithm.)
public func constantTimeEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}
