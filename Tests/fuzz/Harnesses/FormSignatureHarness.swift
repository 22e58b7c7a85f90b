import TwilioWebhook

/// Form bodies as Twilio posts them, checked as the gateway checks them. Whatever decodes must be
/// verified as valid when signed by the plain reference signer (`SignatureVerifier.sign`, an
/// independent sort and concatenation), and refused with any other signature. The same bytes are
/// also thrown at the header and query parsers of the check (settings, `bodySHA256`), which must
/// never call them valid.
enum FormSignatureHarness {
    static let url = "https://gateway.example/webhook"
    static let verifier = try! SignatureVerifier(
        publicURL: url, keys: SignatureKeys(authTokens: ["fuzz-token"], sharedKeys: ["k1": "fuzz-shared-secret"]))
    nonisolated(unsafe) static var form = FormFields(reservingBytes: 64, fields: 4, maxFields: 200)
    nonisolated(unsafe) static let scratch = SignatureScratch()

    @Sendable static func run(_ data: UnsafeBufferPointer<UInt8>) {
        // Arbitrary headers and query: the settings and bodySHA256 parsers; nothing may verify.
        let cut = data.count / 3
        let signature = UnsafeBufferPointer(rebasing: data[0..<cut])
        let settings = UnsafeBufferPointer(rebasing: data[cut..<(2 * cut)])
        let rest = UnsafeBufferPointer(rebasing: data[(2 * cut)...])
        let raw = verifier.verify(SignedRequest(signature: signature, settings: settings, query: rest, form: nil, body: rest), scratch: scratch)
        invariant(!isValid(raw), "arbitrary headers verified: \(raw)")

        do {
            try form.decode(data)
        } catch {
            return
        }
        form.withEventFields { fields in
            var parameters: [(String, String)] = []
            for index in 0..<fields.count {
                let key = String(decoding: fields.key(at: index), as: UTF8.self)
                let value = String(decoding: fields.value(at: index), as: UTF8.self)
                // The decoder promises UTF-8: the round trip through String must be lossless.
                invariant(key.utf8.elementsEqual(fields.key(at: index)) && value.utf8.elementsEqual(fields.value(at: index)),
                          "decoded field \(index) is not valid UTF-8")
                parameters.append((key, value))
            }
            let good = Array(SignatureVerifier.sign(url: url, parameters: parameters, token: "fuzz-token").utf8)
            let check = good.withUnsafeBufferPointer {
                verifier.verify(SignedRequest(signature: $0, settings: nil, query: nil, form: fields, body: data), scratch: scratch)
            }
            invariant(check == .valid(.authToken(0)), "a correctly signed form was refused: \(check)")

            var forged = good
            forged[good.count / 2] = forged[good.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let forgery = forged.withUnsafeBufferPointer {
                verifier.verify(SignedRequest(signature: $0, settings: nil, query: nil, form: fields, body: data), scratch: scratch)
            }
            invariant(forgery == .mismatch, "a forged signature was not refused: \(forgery)")

            let shared = Array(SignatureVerifier.signSHA256(url: url, parameters: parameters, secret: "fuzz-shared-secret").utf8)
            let settingsHeader = Array("algorithm=HMAC_SHA256,key=k1".utf8)
            let sharedCheck = shared.withUnsafeBufferPointer { sig in
                settingsHeader.withUnsafeBufferPointer {
                    verifier.verify(SignedRequest(signature: sig, settings: $0, query: nil, form: fields, body: data), scratch: scratch)
                }
            }
            invariant(sharedCheck == .valid(.sharedKey("k1")), "a SharedKey-signed form was refused: \(sharedCheck)")
        }
    }

    static func isValid(_ check: SignatureCheck) -> Bool {
        if case .valid = check { return true }
        return false
    }
}
