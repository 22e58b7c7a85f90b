/// Checksums and range checks that decide whether a pattern match really is personal data.
///
/// A pattern finds candidates; a validator rejects look-alikes (order numbers that fail Luhn, IBAN-shaped
/// strings that fail mod-97, SSN-shaped numbers in never-issued ranges). Validators see the matched
/// bytes, ignore separators (anything that is not an ASCII letter or digit) and never allocate.
public enum Validator: String, CaseIterable, Sendable, Hashable {
    case luhn
    /// Luhn plus a card network's number range and length (Visa, Mastercard, Amex, Discover, JCB,
    /// Diners, UnionPay, Maestro): Luhn alone passes one random digit run in ten.
    case card
    case iban
    case usSSN = "us-ssn"
    /// 8 to 15 digits (E.164's maximum); a national number written with its trunk `0` needs 10 or more.
    case phone

    public func accepts(_ match: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .luhn: return Validator.luhnAccepts(match)
        case .card: return Validator.luhnAccepts(match) && Validator.cardRangeAccepts(match)
        case .iban: return Validator.ibanAcceptedLength(match) == match.count
        case .usSSN: return Validator.ssnAccepts(match)
        case .phone: return Validator.phoneAccepts(match)
        }
    }

    /// How many bytes of `match` are the validated item, or `nil` when it is not one.
    ///
    /// Usually all of it. An IBAN candidate may run on into the next word ("...3655 grazie" looks like
    /// one more group of four), so for IBANs the item ends where the country's length is reached, at a
    /// group boundary: the caller replaces only that prefix.
    public func acceptedLength(_ match: UnsafeBufferPointer<UInt8>) -> Int? {
        switch self {
        case .iban: return Validator.ibanAcceptedLength(match)
        default: return accepts(match) ? match.count : nil
        }
    }

    /// Convenience for tests and tools.
    public func accepts(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { accepts(UnsafeBufferPointer($0)) }
    }

    // MARK: - Luhn (ISO/IEC 7812): payment card numbers

    static func luhnAccepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var sum = 0, digits = 0
        var double = false
        for byte in bytes.reversed() {
            if isLetter(byte) { return false }
            guard isDigit(byte) else { continue }
            var d = Int(byte &- 0x30)
            if double { d *= 2; if d > 9 { d -= 9 } }
            sum += d
            digits += 1
            double.toggle()
        }
        // Card numbers are 12 to 19 digits long (ISO/IEC 7812-1).
        return digits >= 12 && digits <= 19 && sum % 10 == 0
    }

    /// Issuer ranges (IIN prefixes) and the lengths each network issues.
    static func cardRangeAccepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var length = 0
        var prefix = 0 // the first six digits
        for byte in bytes where isDigit(byte) {
            if length < 6 { prefix = prefix * 10 + Int(byte - 0x30) }
            length += 1
        }
        guard length >= 6 else { return false }
        let p1 = prefix / 100_000, p2 = prefix / 10_000, p3 = prefix / 1_000, p4 = prefix / 100
        switch length {
        case 13 where p1 == 4, 16 where p1 == 4, 19 where p1 == 4: return true               // Visa
        case 16 where (51...55).contains(p2) || (2221...2720).contains(p4): return true      // Mastercard
        case 15 where p2 == 34 || p2 == 37: return true                                     // American Express
        case 16...19 where p4 == 6011 || (644...649).contains(p3) || p2 == 65: return true    // Discover
        case 16...19 where (3528...3589).contains(p4): return true                          // JCB
        case 14...19 where (300...305).contains(p3) || p2 == 36 || p2 == 38 || p2 == 39: return true // Diners
        case 16...19 where p2 == 62: return true                                            // UnionPay
        // Maestro also issues 12-15 digits, but so rarely that 12-digit references (FedEx) would suffer.
        case 16...19 where p2 == 50 || (56...69).contains(p2): return true                  // Maestro
        default: return false
        }
    }

    static func phoneAccepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0
        var first: UInt8?
        var international = false
        var separated = false
        for byte in bytes {
            if byte == UInt8(ascii: "+") { international = true }
            if isLetter(byte) { continue } // e.g. a "whatsapp:" scheme around an identity
            guard isDigit(byte) else {
                if first != nil { separated = true }
                continue
            }
            if first == nil { first = byte }
            digits += 1
        }
        guard (8...15).contains(digits) else { return false }
        if international || first != UInt8(ascii: "0") { return true }
        // A national number with its trunk 0 has 10 or 11 digits in the countries covered; 12 only when
        // written in groups (DE mobiles): an unbroken 12-digit run is more often a reference number.
        return separated ? digits >= 10 && digits <= 12 : digits == 10 || digits == 11
    }

    // MARK: - IBAN (ISO 13616): country length table and mod-97

    static func ibanAcceptedLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        // Collect up to 34 alphanumerics, upper-cased, into a fixed buffer (no allocation); stop at the
        // country's length.
        var chars: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &chars) { raw -> Int? in
            var count = 0
            var expected = 34
            var end = 0
            for (offset, byte) in bytes.enumerated() {
                if byte == 0x20 || byte == 0x2D || byte == 0x2E { continue } // space, dash, dot
                var c = byte
                if c >= 0x61 && c <= 0x7A { c -= 0x20 }
                guard isDigit(c) || (c >= 0x41 && c <= 0x5A), count < expected else { return nil }
                raw[count] = c
                count += 1
                end = offset + 1
                if count == 2 {
                    guard isUpper(raw[0]), isUpper(raw[1]), let length = IBANRegistry.length(raw[0], raw[1]) else { return nil }
                    expected = length
                }
                if count == expected { break }
            }
            guard count == expected, isDigit(raw[2]), isDigit(raw[3]) else { return nil }
            // What follows inside the candidate must be a separator, not more of a word.
            if end < bytes.count, isDigit(bytes[end]) || isLetter(bytes[end]) { return nil }
            // Move the first four characters to the end, letters become 10...35, then mod 97 == 1.
            var remainder = 0
            for i in 0..<count {
                let c = raw[(i + 4) % count]
                if isDigit(c) {
                    remainder = (remainder * 10 + Int(c - 0x30)) % 97
                } else {
                    remainder = (remainder * 100 + Int(c - 0x41 + 10)) % 97
                }
            }
            return remainder == 1 ? end : nil
        }
    }

    // MARK: - US Social Security Number (SSA rules since 2011 randomisation)

    static func ssnAccepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0, area = 0, group = 0, serial = 0
        for byte in bytes {
            if isLetter(byte) { return false }
            guard isDigit(byte) else { continue }
            let d = Int(byte - 0x30)
            switch digits {
            case 0..<3: area = area * 10 + d
            case 3..<5: group = group * 10 + d
            case 5..<9: serial = serial * 10 + d
            default: return false
            }
            digits += 1
        }
        guard digits == 9 else { return false }
        // Never issued: area 000, 666 and 900-999; group 00; serial 0000.
        if area == 0 || area == 666 || area >= 900 { return false }
        return group != 0 && serial != 0
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
@inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

/// IBAN lengths per country, from the SWIFT IBAN registry (release 99, 2025), including the
/// territories that use their parent's format under their own code.
enum IBANRegistry {
    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
        "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
        "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
        "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
        "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
        "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
        "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
        "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
        "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
        // Territories using the French format under their own ISO code.
        "GF": 27, "GP": 27, "MQ": 27, "RE": 27, "PF": 27, "TF": 27, "YT": 27, "NC": 27, "PM": 27,
        "WF": 27, "BL": 27, "MF": 27,
        // Territories under the UK and Finnish formats.
        "IM": 22, "JE": 22, "GG": 22, "AX": 18,
    ]

    /// A 26x26 table indexed by the two letters, built once: lookups on the match path stay allocation-free.
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 26 * 26)
        for (code, length) in lengths {
            let u = Array(code.utf8)
            t[Int(u[0] - 0x41) * 26 + Int(u[1] - 0x41)] = UInt8(length)
        }
        return t
    }()

    static func length(_ a: UInt8, _ b: UInt8) -> Int? {
        let n = table[Int(a - 0x41) * 26 + Int(b - 0x41)]
        return n == 0 ? nil : Int(n)
    }
}
