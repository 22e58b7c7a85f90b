import Testing
@testable import RuleEngine

@Suite struct ValidatorTests {
    // Test card numbers published by the card networks / payment processors for sandbox use.
    @Test(arguments: [
        "4111111111111111", "4012888888881881", "4222222222222",           // Visa (16 and 13 digits)
        "5555555555554444", "5105105105105100", "2223000048400011",        // Mastercard, incl. 2-series
        "378282246310005", "371449635398431",                              // Amex (15)
        "6011111111111117", "6011000990139424",                            // Discover
        "3530111333300000", "3566002020360505",                            // JCB
        "30569309025904", "38520000023237",                                // Diners
        "4111 1111 1111 1111", "4111-1111-1111-1111",
    ])
    func luhnAcceptsPublishedTestCards(_ number: String) {
        #expect(Validator.luhn.accepts(number))
    }

    @Test(arguments: ["4111111111111112", "1234567812345678", "41111111111", "41111111111111111111", "4111a111111111111"])
    func luhnRejects(_ number: String) {
        #expect(!Validator.luhn.accepts(number))
    }

    // Examples from the IBAN registry and national bank documentation.
    @Test(arguments: [
        "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606", "NL91 ABNA 0417 1643 00", "BE68 5390 0754 7034",
        "NO93 8601 1117 947", "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "CH93 0076 2011 6238 5295 7",
        "ES91 2100 0418 4502 0005 1332", "IT60 X054 2811 1010 0000 0123 456", "SA03 8000 0000 6080 1016 7519",
        "LC55 HEMM 0001 0001 0012 0012 0002 3015", "gb82 west 1234 5698 7654 32", "AT61 1904 3002 3457 3201",
    ])
    func ibanAcceptsRegistryExamples(_ iban: String) {
        #expect(Validator.iban.accepts(iban))
    }

    @Test(arguments: [
        "GB82 WEST 1234 5698 7654 33",   // check digits wrong
        "GB82 WEST 1234 5698 7654 3",    // too short for GB
        "DE89 3704 0044 0532 0130 0000", // too long for DE
        "ZZ82 WEST 1234 5698 7654 32",   // no such country
        "GB82-WEST-1234-5698-7654-3!",   // stray character
        "1234567890123456",
    ])
    func ibanRejects(_ iban: String) {
        #expect(!Validator.iban.accepts(iban))
    }

    @Test func ibanTableCoversRegistrySizes() {
        #expect(IBANRegistry.length(UInt8(ascii: "N"), UInt8(ascii: "O")) == 15)
        #expect(IBANRegistry.length(UInt8(ascii: "R"), UInt8(ascii: "U")) == 33)
        #expect(IBANRegistry.lengths.count >= 89)
    }

    @Test(arguments: ["078-05-1120", "123-45-6789", "665 12 3456", "899-99-9999", "001-01-0001"])
    func ssnAcceptsIssuableNumbers(_ ssn: String) {
        #expect(Validator.usSSN.accepts(ssn))
    }

    @Test(arguments: ["000-12-3456", "666-12-3456", "900-12-3456", "999-45-6789", "123-00-4567", "123-45-0000", "123-45-678", "123-45-67890"])
    func ssnRejectsNeverIssuedNumbers(_ ssn: String) {
        #expect(!Validator.usSSN.accepts(ssn))
    }

    @Test(arguments: [
        "4111111111111111", "4222222222222", "5555555555554444", "2223000048400011", "378282246310005",
        "6011111111111117", "3530111333300000", "30569309025904", "38520000023237", "6200000000000005",
        "6759649826438453",
    ])
    func cardAcceptsNetworkRanges(_ number: String) {
        #expect(Validator.card.accepts(number))
    }

    @Test(arguments: [
        "4111111111111112",      // Luhn fails
        "7992739871300008",      // Luhn passes, no card network issues 7...
        "1234567812345670",      // Luhn passes, no network starts with 1
        "411111111111116",       // Visa prefix, Luhn-valid, but 15 digits
        "378282246310005002",    // Amex prefix, 18 digits
    ])
    func cardRejectsOutsideNetworkRanges(_ number: String) {
        #expect(!Validator.card.accepts(number))
        if number != "4111111111111112" { #expect(Validator.luhn.accepts(number)) } // so only the range rejects it
    }

    @Test(arguments: ["+1 415 555 0134", "+44 20 7946 0958", "07700 900123", "0151 23456789", "(415) 555-0134", "612 345 678", "whatsapp:+4915123456789"])
    func phoneAcceptsPlausibleNumbers(_ number: String) {
        #expect(Validator.phone.accepts(number))
    }

    @Test(arguments: ["555-0134", "+1 234", "0612 3456", "1234567890123456", "03.15.2024"])
    func phoneRejectsWrongDigitCounts(_ number: String) {
        #expect(!Validator.phone.accepts(number))
    }

    @Test func ibanCandidateRunningIntoTheNextWordIsTrimmedToTheCountryLength() {
        func accepted(_ text: String) -> Int? {
            Array(text.utf8).withUnsafeBufferPointer { Validator.iban.acceptedLength($0) }
        }
        #expect(accepted("BE68 5390 0754 7034 graz") == 19)
        #expect(accepted("NL91ABNA0417164300 corr") == 18)
        #expect(accepted("BE68 5390 0754 7034") == 19)
        #expect(accepted("BE68 5390 0754 70345") == nil)   // longer than Belgium's 16: not an IBAN
        #expect(accepted("BE68 5390 0754 7035 graz") == nil) // wrong check digits
        // Other validators accept all of a match or nothing.
        #expect(Array("4111 1111 1111 1111".utf8).withUnsafeBufferPointer { Validator.card.acceptedLength($0) } == 19)
        #expect(Array("4111 1111 1111 1112".utf8).withUnsafeBufferPointer { Validator.card.acceptedLength($0) } == nil)
    }

    @Test(arguments: ["073726656027", "015123456789"])
    func unbrokenTwelveDigitNationalNumbersAreNotPhones(_ text: String) {
        #expect(!Validator.phone.accepts(text))
    }

    @Test func groupedTwelveDigitNationalNumberIsAPhone() {
        #expect(Validator.phone.accepts("0151 23456789"))
    }
}
