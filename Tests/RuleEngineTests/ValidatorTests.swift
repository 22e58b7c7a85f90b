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
}
