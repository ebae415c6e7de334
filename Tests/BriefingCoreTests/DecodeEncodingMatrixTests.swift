import BriefingCore
import Foundation
import Testing

// Every encoding × {BOM, no BOM} × {full text, 200-character extract}, for the shared simplified
// fixture and a traditional text; each variant damaged with seeded artifacts must normalize to
// exactly what the clean UTF-8 text normalizes to.

struct EncodingCase: Sendable, CustomTestStringConvertible {
    enum Source: String, Sendable { case briefing, traditional, traditionalHongKong }
    var source: Source
    var encoding: String
    var bom: Bool
    var extract: Bool
    /// Canonical name the decoder must report.
    var expected: String

    /// Stable per case (String.hashValue is randomized per process).
    var seed: UInt64 { testDescription.unicodeScalars.reduce(17) { $0 &* 31 &+ UInt64($1.value) } }

    var testDescription: String {
        "\(source.rawValue)\(extract ? "[200]" : "") \(encoding)\(bom ? "+BOM" : "")"
    }

    var cleanText: String {
        switch (source, extract) {
        case (.briefing, false): Fixtures.briefing
        case (.briefing, true): Fixtures.extract(Fixtures.briefing, offset: 2400)
        case (.traditional, false): Fixtures.traditional
        case (.traditional, true): Fixtures.extract(Fixtures.traditional, offset: 120)
        case (.traditionalHongKong, false): Fixtures.traditionalHongKong
        case (.traditionalHongKong, true): Fixtures.extract(Fixtures.traditionalHongKong, offset: 520)
        }
    }

    static let all: [EncodingCase] = {
        var cases: [EncodingCase] = []
        for extract in [false, true] {
            for encoding in ["UTF-8", "UTF-16LE", "UTF-16BE", "GB18030"] {
                for bom in [false, true] {
                    cases.append(
                        .init(
                            source: .briefing, encoding: encoding, bom: bom, extract: extract,
                            expected: encoding))
                    cases.append(
                        .init(
                            source: .traditional, encoding: encoding, bom: bom, extract: extract,
                            expected: encoding))
                }
            }
            // Big5 has no byte-order mark.
            cases.append(
                .init(source: .traditional, encoding: "BIG5", bom: false, extract: extract, expected: "Big5"))
            cases.append(
                .init(
                    source: .traditionalHongKong, encoding: "BIG5-HKSCS", bom: false, extract: extract,
                    expected: "Big5-HKSCS"))
        }
        return cases
    }()
}

@Test(arguments: EncodingCase.all)
func encodingVariantNormalizesLikeCleanUTF8(_ c: EncodingCase) throws {
    let clean = c.cleanText
    let reference = Fixtures.reference(clean)
    var injector = ArtifactInjector(seed: c.seed)
    let encodable = { (marker: String) in TestEncoding.canEncode(marker, as: c.encoding) }
    var damaged = injector.sprinkle(clean, count: c.extract ? 6 : 60, allowed: encodable)
    damaged = injector.reshape(damaged, crlf: c.encoding.hasPrefix("UTF-16") || c.bom, allowed: encodable)
    var bytes = TestEncoding.encode(damaged, as: c.encoding)
    if c.bom, let bom = TestEncoding.bom(c.encoding) { bytes = bom + bytes }

    let (decoded, normalized) = try Fixtures.normalized(bytes)
    #expect(decoded.encoding.name == c.expected)
    #expect(decoded.bom == c.bom)
    #expect(decoded.replacementCharacters == 0)
    #expect(decoded.confidence > 0.5)
    #expect(decoded.format == .text)
    #expect(normalized == reference, "\(firstDifference(normalized, reference))")
}

@Test(arguments: [false, true])
func hardWrappedBriefingIsJoinedBack(_ crlf: Bool) throws {
    let reference = Fixtures.reference(Fixtures.briefing)
    let wrapped = ArtifactInjector.hardWrap(Fixtures.briefing, columns: 72)
    #expect(wrapped.split(separator: "\n").count > 200)  // the wrap really happened
    let text = crlf ? wrapped.replacingOccurrences(of: "\n", with: "\r\n") : wrapped
    let (_, normalized) = try Fixtures.normalized(TestEncoding.encode(text, as: "GB18030"))
    #expect(normalized == reference, "\(firstDifference(normalized, reference))")
}

@Test(arguments: [
    ("GB18030", "GB18030"), ("BIG5", "Big5"), ("UTF-16LE", "UTF-16LE"), ("UTF-16BE", "UTF-16BE"),
])
func shortExtractsAreDetectedWherever(_ encoding: String, _ expected: String) throws {
    // Every 200-character window of the traditional text and (where encodable) of the fixture.
    var texts = [Fixtures.traditional]
    if encoding != "BIG5" { texts.append(Fixtures.briefing) }
    for text in texts {
        let length = text.unicodeScalars.count
        for offset in stride(from: 0, to: length - 200, by: 97) {
            let extract = Fixtures.extract(text, offset: offset)
            let decoded = try InputDecoder.decode(TestEncoding.encode(extract, as: encoding))
            #expect(decoded.encoding.name == expected, "offset \(offset)")
            #expect(decoded.text == extract, "offset \(offset)")
        }
    }
}
