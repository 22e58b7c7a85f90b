import SeededRandom
import Testing
@testable import TwilioWebhook

func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
func bytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(hex.utf8)[...]
    while chars.count >= 2 {
        out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
        chars = chars.dropFirst(2)
    }
    return out
}

@Suite struct HashTests {
    @Test func sha1Vectors() {
        // RFC 3174 / FIPS 180 test vectors.
        #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(hex(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        let rfc4 = Array(String(repeating: "0123456701234567012345670123456701234567012345670123456701234567", count: 10).utf8)
        #expect(hex(SHA1.hash(rfc4)) == "dea356a2cddd90c7a7ecedc5ebb563934f460452")
    }

    @Test func sha256Vectors() {
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Whole blocks are compressed straight from each update's input, several per call (one C call
    /// on the SHA-NI path), partial ones buffered: any split of a message gives the same digest.
    @Test func updatesInPiecesGiveTheOneShotDigest() {
        var rng = SplitMix64(seed: 64)
        for _ in 0..<300 {
            let message = (0..<Int(rng.next() % 700)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var sha1 = SHA1(), sha256 = SHA256()
            var offset = 0
            while offset < message.count {
                let take = min(message.count - offset, Int(rng.next() % 200))
                message[offset..<(offset + take)].withUnsafeBytes { sha1.update($0); sha256.update($0) }
                offset += take
            }
            var d1 = [UInt8](repeating: 0, count: 20), d256 = [UInt8](repeating: 0, count: 32)
            d1.withUnsafeMutableBytes { sha1.finalize(into: $0) }
            d256.withUnsafeMutableBytes { sha256.finalize(into: $0) }
            #expect(d1 == SHA1.hash(message) && d256 == SHA256.hash(message), "\(message.count) bytes")
        }
    }

    @Test func hmacSHA1RFC2202() {
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b617318655057264e28bc0b6fb378c8ef146be00"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
            (Array(1...25), [UInt8](repeating: 0xcd, count: 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
            ([UInt8](repeating: 0x0c, count: 20), Array("Test With Truncation".utf8), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
            ([UInt8](repeating: 0xaa, count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8), "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
            ([UInt8](repeating: 0xaa, count: 80), Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
        ]
        for (key, message, expected) in cases {
            #expect(hex(HMAC<SHA1>.authenticate(key: key, message: message)) == expected)
        }
    }

    @Test func hmacSHA256RFC4231() {
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (Array(1...25), [UInt8](repeating: 0xcd, count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131), Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, message, expected) in cases {
            #expect(hex(HMAC<SHA256>.authenticate(key: key, message: message)) == expected)
        }
        // RFC 4231 case 5: truncated to 128 bits.
        let truncated = HMAC<SHA256>.authenticate(key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8))
        #expect(hex(Array(truncated.prefix(16))) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func streamingInAnyChunksMatchesOneShot() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var sha1 = SHA1(), sha256 = SHA256()
            var offset = 0
            while offset < length {
                let n = Int.random(in: 1...70, using: &rng)
                let chunk = Array(message[offset..<min(length, offset + n)])
                sha1.update(chunk)
                sha256.update(chunk)
                offset += n
            }
            var d1 = [UInt8](repeating: 0, count: 20), d2 = [UInt8](repeating: 0, count: 32)
            d1.withUnsafeMutableBytes { sha1.finalize(into: $0) }
            d2.withUnsafeMutableBytes { sha256.finalize(into: $0) }
            #expect(d1 == SHA1.hash(message))
            #expect(d2 == SHA256.hash(message))
        }
    }

    @Test func base64() {
        func encode(_ s: String) -> String {
            var out: [UInt8] = []
            Array(s.utf8).withUnsafeBytes { Base64.encode($0, into: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        // RFC 4648 section 10.
        #expect(encode("") == "")
        #expect(encode("f") == "Zg==")
        #expect(encode("fo") == "Zm8=")
        #expect(encode("foo") == "Zm9v")
        #expect(encode("foob") == "Zm9vYg==")
        #expect(encode("fooba") == "Zm9vYmE=")
        #expect(encode("foobar") == "Zm9vYmFy")
    }

    @Test func constantTimeComparison() {
        let a: [UInt8] = [1, 2, 3], b: [UInt8] = [1, 2, 4], c: [UInt8] = [1, 2]
        a.withUnsafeBytes { a in
            #expect(constantTimeEquals(a, a))
            b.withUnsafeBytes { #expect(!constantTimeEquals(a, $0)) }
            c.withUnsafeBytes { #expect(!constantTimeEquals(a, $0)) }
        }
    }
}

import CSHA1

@Suite struct SHA1HardwareTests {
    /// The SHA-NI path and the portable path give the same state for random blocks and states.
    @Test func hardwareAndPortableCompressionAgree() throws {
        try #require(csha1_hardware_available() == 1, "no SHA extensions on this CPU: only the portable path runs")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let block = (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var portable = SIMD8<UInt32>((0..<8).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) })
            var hardware = portable
            block.withUnsafeBytes { SHA1.compress(&portable, $0.baseAddress!) }
            block.withUnsafeBufferPointer { b in
                withUnsafeMutableBytes(of: &hardware) { csha1_compress_hardware($0.baseAddress!.assumingMemoryBound(to: UInt32.self), b.baseAddress!, 1) }
            }
            #expect((0..<5).map { portable[$0] } == (0..<5).map { hardware[$0] })
        }
    }

    @Test func portablePathMatchesTheVectorsToo() {
        // Drive the portable compression through the padding by hand for "abc".
        var h = SHA1().h
        var block = [UInt8](repeating: 0, count: 64)
        block[0] = 0x61; block[1] = 0x62; block[2] = 0x63; block[3] = 0x80; block[63] = 24
        block.withUnsafeBytes { SHA1.compress(&h, $0.baseAddress!) }
        #expect((0..<5).map { String(h[$0], radix: 16) } == ["a9993e36", "4706816a", "ba3e2571", "7850c26c", "9cd0d89d"])
    }
}
