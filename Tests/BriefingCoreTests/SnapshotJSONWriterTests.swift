import BriefingCore
import Foundation
import TestSupport
import Testing

// The hand-written snapshot JSON must be byte for byte what JSONEncoder writes, for every field set
// and unset: these tests fail when a model field is added without a line in SnapshotJSONWriter.

private func foundationJSON(_ snapshot: Snapshot) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return [UInt8](try encoder.encode(snapshot))
}

private func expectSameAsFoundation(_ snapshot: Snapshot) throws {
    let fast = snapshot.jsonBytes()
    let reference = try foundationJSON(snapshot)
    #expect(
        fast == reference,
        "writer:     \(String(decoding: fast, as: UTF8.self))\nJSONEncoder: \(String(decoding: reference, as: UTF8.self))"
    )
}

/// A snapshot with every optional field set, and text that needs every kind of escape.
private func everythingSet() -> Snapshot {
    let awkward = "引号\"反斜杠\\斜杠/ tab\t cr\r lf\n bs\u{8} ff\u{C} nul\u{0} us\u{1F} del\u{7F} 𝄞 \u{2028}"
    let briefing = Briefing(
        title: awkward, date: "2023-09-14", dateSource: .title, referenceYear: 2023,
        referenceYearSource: .date,
        speakers: [
            Speaker(
                id: "s1", role: .official, label: "总队长杨义", outlet: "报社", organization: "公安厅", title: "总队长",
                name: "杨义")
        ],
        turns: [
            Turn(index: 0, speaker: "s1", kind: .question, text: awkward, span: [0, 5], number: 12),
            Turn(index: 1, speaker: "s1", kind: .answer, text: awkward, span: [5, 9]),
        ],
        exchanges: [Exchange(question: 0, answers: [1, 2])],
        points: [Point(turn: 1, marker: "一是", level: 2, text: "要点", span: [3, 9])],
        figures: [
            Figure(
                turn: 1, text: "1095.1万元", value: 10_951_000, unit: "元", approx: .over, subject: "金额",
                span: [1, 2]),
            Figure(
                turn: 2, text: "19.27％", value: 19.27, unit: "%", approx: .about, subject: nil, span: [4, 8]),
            Figure(turn: 3, text: "0.5", value: 0.5, unit: nil, approx: .exact, subject: nil, span: [4, 8]),
            Figure(
                turn: 3, text: "不得超过3：1.5", value: 3, unit: "ratio", approx: .under, subject: "比例",
                span: [4, 12], ratioTo: 1.5),
            Figure(
                turn: 3, text: "巨大", value: 1.5e20, unit: nil, approx: .nearly, subject: nil, span: [4, 8]),
        ],
        changes: [
            Change(
                turn: 5, text: "同比下降19.27％", direction: .down, basis: .yearOnYear, percent: 19.27,
                amount: 626,
                unit: "起", figure: 31, span: [10, 20])
        ],
        periods: [
            Period(turn: 2, text: "6月至8月", start: "2023-06-01", end: "2023-08-31", span: [7, 12]),
            Period(
                turn: 2, text: "将近19年", start: nil, end: nil, span: [12, 17], duration: "P19Y",
                approx: .nearly),
            Period(
                turn: nil, text: "110多年前", start: "1912-01-01", end: "1912-12-31", span: [17, 23],
                duration: "P110Y", approx: .over),
        ],
        named: [Named(kind: .hotline, turn: 4, text: "96110", span: [0, 5])])
    return Snapshot(
        id: String(repeating: "ab", count: 32), ingestedAt: "2026-11-29T04:10:02.123Z",
        source: Source(
            kind: .url, name: "example", path: "/var/inbox/a.txt", url: "https://example.org/a?b=c&d=/e",
            http: HTTPInfo(
                status: 200, finalURL: "https://example.org/final", etag: "\"xyz\"",
                lastModified: "Sun, 29 Nov 2026",
                contentType: "text/html; charset=gbk")),
        revision: Revision(supersedes: String(repeating: "cd", count: 32)),
        input: InputInfo(
            format: .html, bytes: 25083, sha256: String(repeating: "ef", count: 32), encoding: "GB18030",
            encodingConfidence: 0.99, bom: true, replacementCharacters: 3),
        normalization: Normalization(actions: [
            NormalizationAction(
                kind: .bookmarkMarker, count: 2, examples: ["[bookmark: _GoBack]", "\"x\""]),
            NormalizationAction(kind: .lineEndings, count: 1),
        ]),
        briefing: briefing, text: awkward)
}

@Test func snapshotJSONWithEveryFieldSetMatchesJSONEncoder() throws {
    try expectSameAsFoundation(everythingSet())
}

@Test func snapshotJSONWithEveryOptionalUnsetMatchesJSONEncoder() throws {
    var s = everythingSet()
    s.source = Source(kind: .inbox, name: "inbox")
    s.revision = Revision()
    s.input.encodingConfidence = 1
    s.normalization = Normalization()
    s.briefing.title = nil
    s.briefing.date = nil
    s.briefing.dateSource = nil
    s.briefing.referenceYear = nil
    s.briefing.referenceYearSource = nil
    s.briefing.turns[0].number = nil
    s.briefing.speakers = [Speaker(id: "s1", role: .unknown, label: "问")]
    s.briefing.points[0].turn = nil
    s.briefing.figures = s.briefing.figures.map {
        var f = $0
        f.turn = nil
        f.unit = nil
        f.subject = nil
        f.ratioTo = nil
        return f
    }
    s.briefing.changes[0].turn = nil
    s.briefing.changes[0].percent = nil
    s.briefing.changes[0].amount = nil
    s.briefing.changes[0].unit = nil
    s.briefing.changes[0].figure = nil
    s.briefing.periods[0].turn = nil
    s.briefing.periods[0].start = nil
    s.briefing.periods[0].end = nil
    s.briefing.periods[1].duration = nil
    s.briefing.periods[1].approx = nil
    s.briefing.named[0].turn = nil
    s.text = ""
    try expectSameAsFoundation(s)
    // Only an HTTP status: the first member of `http` has no comma before it.
    s.source.http = HTTPInfo(status: 304)
    try expectSameAsFoundation(s)
}

@Test func spanIsWrittenAndReadAsATwoElementArray() throws {
    let span = Span(start: 3, end: 9)
    let bytes = try JSONEncoder().encode(span)
    #expect(String(decoding: bytes, as: UTF8.self) == "[3,9]")
    #expect(try JSONDecoder().decode(Span.self, from: bytes) == span)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Span.self, from: Data("[9,3]".utf8)) }
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(Span.self, from: Data("[1,2,3]".utf8)) }
}

@Test func emptyBriefingJSONMatchesJSONEncoder() throws {
    var s = everythingSet()
    s.briefing = Briefing()
    try expectSameAsFoundation(s)
}

@Test func fixtureSnapshotJSONMatchesJSONEncoder() throws {
    let snapshot = try BriefingPipeline.process(
        try Paths.fixtureBytes(), source: .file("nmg.txt"),
        ingestedAt: Timestamp(millisecondsSinceEpoch: 1_796_530_202_123))
    try expectSameAsFoundation(snapshot)
}

@Test func escapesAreFoundAtEveryPositionOfAnEightByteWord() throws {
    var s = everythingSet()
    s.briefing = Briefing()
    for offset in 0..<20 {
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", " ", "~", "\u{7F}", "中"] {
            s.text =
                String(repeating: "a", count: offset) + special + String(repeating: "中文", count: offset)
                + special
            try expectSameAsFoundation(s)
        }
    }
}
