import BriefingCore
import Foundation
import Testing

// Through the whole pure pipeline: every form of the fixture gives the same snapshot id, text, speakers
// and turns as the clean UTF-8 file.

private let ingestedAt = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)

private func snapshot(_ bytes: [UInt8], name: String) throws -> Snapshot {
    try BriefingPipeline.process(
        bytes, hints: DecodeHints(fileName: name), source: .file(name), ingestedAt: ingestedAt)
}

@Test func everyFormOfTheFixtureGivesTheSameSnapshotContent() throws {
    let clean = try snapshot(Fixtures.briefingBytes, name: "clean.txt")
    var injector = ArtifactInjector(seed: 99)
    let damaged = injector.reshape(injector.sprinkle(Fixtures.briefing, count: 80), crlf: true)
    let variants: [(String, [UInt8])] = [
        ("damaged.txt", TestEncoding.encode(damaged, as: "GB18030")),
        ("utf16.txt", [0xFE, 0xFF] + TestEncoding.encode(damaged, as: "UTF-16BE")),
        ("wrapped.txt", Array(ArtifactInjector.hardWrap(Fixtures.briefing, columns: 72).utf8)),
        ("briefing.docx", try DocumentBuilders.docx(Fixtures.briefing, seed: 5)),
        (
            "page.html",
            TestEncoding.encode(
                DocumentBuilders.htmlPage(Fixtures.briefing, charset: "gbk", seed: 3), as: "GB18030")
        ),
        ("notes.md", Array(DocumentBuilders.markdown(Fixtures.briefing).utf8)),
    ]
    for (name, bytes) in variants {
        let s = try snapshot(bytes, name: name)
        #expect(s.id == clean.id, "\(name): \(firstDifference(s.text, clean.text))")
        #expect(s.briefing.speakers == clean.briefing.speakers, "\(name)")
        #expect(s.briefing.turns == clean.briefing.turns, "\(name)")
        #expect(s.input.replacementCharacters == 0, "\(name)")
    }
}

@Test func snapshotRecordsTheDecodingFacts() throws {
    let bytes = [0x84, 0x31, 0x95, 0x33] + TestEncoding.encode(Fixtures.briefing, as: "GB18030")
    let s = try snapshot(bytes, name: "gb.txt")
    #expect(s.input.encoding == "GB18030")
    #expect(s.input.bom)
    #expect(s.input.encodingConfidence == 1)
    #expect(s.input.format == .text)
    #expect(s.normalization.actions.map(\.kind.rawValue).contains("duplicated_speaker_label"))
}
