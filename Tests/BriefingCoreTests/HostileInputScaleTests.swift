import Foundation
import Testing

@testable import BriefingCore

// Pathological inputs, one class per test, at sizes where a scan that is quadratic in the input
// would keep the suite running for minutes or hours (1 MiB of unclosed `《` took 34 s in a release
// build when that scan was quadratic): each test simply completes, and checks what the pipeline
// made of the input. Nothing here measures time; speed is measured in `make bench`.

@Suite struct HostileInputScaleTests {
    /// Bytes of each pathological input: far beyond where quadratic scans stall (1 MiB of `《` took
    /// 34 s), small enough for a debug build to get through a linear pass quickly.
    static let size = 1024 * 1024

    /// `unit` repeated up to `size` bytes of UTF-8.
    static func run(_ unit: String, bytes: Int = size) -> String {
        String(repeating: unit, count: max(1, bytes / unit.utf8.count))
    }

    static let ingested = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)

    static func snapshot(_ text: String, fileName: String = "hostile.txt") throws(InputError) -> Snapshot {
        try BriefingPipeline.process(
            Array(text.utf8), hints: DecodeHints(fileName: fileName), source: .file(fileName),
            ingestedAt: ingested)
    }

    @Test func unclosedDocumentTitleMarks() throws {
        let s = try Self.snapshot(Self.run("《"))
        #expect(s.briefing.named.isEmpty)
        // Pairs on the same line still match, nested or not, after a long unclosed run.
        let t = try Self.snapshot(Self.run("《") + "《反恐怖主义法》与《《中华人民共和国》宪法》")
        #expect(t.briefing.named.map(\.text) == ["反恐怖主义法", "《中华人民共和国》宪法"])
    }

    @Test func deeplyNestedDocumentTitleMarks() throws {
        let depth = Self.size / 6
        let s = try Self.snapshot(
            String(repeating: "《", count: depth) + "法" + String(repeating: "》", count: depth))
        #expect(s.briefing.named.count == 1)
        #expect(s.briefing.named.first?.text.unicodeScalars.count == 2 * depth - 1)
    }

    @Test(arguments: ["“", "「", "『", "（", "(", "【", "[", "\"", "'"])
    func unclosedQuotesAndBrackets(open: String) throws {
        let s = try Self.snapshot(Self.run(open + "一"))
        #expect(s.briefing.named.isEmpty)
        #expect(s.briefing.turns.isEmpty)
    }

    @Test func longRunsOfDigitsAndNumerals() throws {
        // Only the run's last digits fit a number.
        #expect(try Self.snapshot(Self.run("1")).briefing.figures.count <= 1)
        #expect(try Self.snapshot(Self.run("１")).briefing.figures.count <= 1)
        // A numeral run longer than any number, with a unit after it, is no figure; nor is one that
        // opens inside a fixed word (`统一`), which made every later position read the run again.
        #expect(try Self.snapshot(Self.run("一") + "个").briefing.figures.isEmpty)
        #expect(try Self.snapshot("统" + Self.run("一") + "个人").briefing.figures.isEmpty)
        #expect(try Self.snapshot(Self.run("三十") + "%").briefing.figures.isEmpty)
        #expect(Figures.maxNumeralRun <= 32)
    }

    @Test func longLineWithoutPunctuation() throws {
        let s = try Self.snapshot(Self.run("中"))
        #expect(s.briefing.turns.isEmpty)
        #expect(s.text.unicodeScalars.count == Self.size / 3)
        let ascii = try Self.snapshot(Self.run("a"))
        #expect(ascii.text.utf8.count == Self.size)
    }

    @Test func manyLabelsAndTurns() throws {
        let pairs = Self.size / 40
        let s = try Self.snapshot(Self.run("记者：今年的情况怎么样？\n发言人张华：情况很好。\n"))
        #expect(s.briefing.turns.count >= pairs)
        #expect(s.briefing.speakers.count == 2)
        #expect(s.briefing.exchanges.count == s.briefing.turns.count / 2)
    }

    @Test func manyDistinctSpeakersAfterLongFrontMatter() throws {
        var text = Self.run("前言文字\n", bytes: Self.size / 2)
        let names = Array(
            "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
                .unicodeScalars)
        let given = Array("一二三四五六七八九十".unicodeScalars)
        var count = 0
        for a in names {
            for b in given {
                text += "\(a)\(b)明：你好？\n"
                count += 1
            }
        }
        let s = try Self.snapshot(text)
        // Past the speakers whose names are matched against each other, labels still make speakers.
        #expect(count > TurnBuilder.maxMatchedSpeakers)
        #expect(s.briefing.speakers.count > TurnBuilder.maxMatchedSpeakers)
        #expect(TurnBuilder.frontMatterWindow <= 10_000)
    }

    @Test func manyColons() throws {
        #expect(try Self.snapshot(Self.run("：")).briefing.turns.isEmpty)
        #expect(try Self.snapshot(Self.run("a：")).briefing.turns.isEmpty)
        #expect(try Self.snapshot(Self.run("1:")).briefing.figures.isEmpty)
        #expect(SpeakerLabels.maxLabelLength <= 64)
    }

    /// One long run of each character some scanner starts at or stops on.
    @Test(arguments: Array("持增第年月日至今上前截十万零一是：:，。、？.·%-/# *>完记\t".unicodeScalars))
    func runsOfOneCharacter(_ c: Unicode.Scalar) throws {
        let unit = c == " " || c == "\t" ? "起\(c)" : String(c)
        // Characters that are nothing but spaces or punctuation leave no text, which is an error.
        do {
            let s = try Self.snapshot(Self.run(unit, bytes: Self.size / 16))
            #expect(s.input.bytes >= Self.size / 16 - 8)
            #expect(s.text.unicodeScalars.count > 0)
        } catch {
            #expect(error.code == "no_text")
        }
    }

    @Test func nestedMarkdownLinksAndEmphasisRuns() throws {
        let md = "# 标题\n## 小标题\n"
        let depth = Self.size / 8
        let nested = try Self.snapshot(
            md + String(repeating: "[", count: depth) + "链接文字" + String(repeating: "]", count: depth) + "(x)",
            fileName: "hostile.md")
        #expect(nested.input.format == .markdown)
        #expect(nested.text.contains("链接文字"))
        #expect(!nested.text.contains("(x)"))
        for unit in ["[", "*", "~", "_", "`", "[a](", "[a][", "<a ", "中 ** 中"] {
            let s = try Self.snapshot(
                md + "中 " + Self.run(unit, bytes: Self.size / 4), fileName: "hostile.md")
            #expect(s.input.format == .markdown)
        }
        // A link inside a link's text is stripped in place: same result as the nested form.
        let inner = try Self.snapshot(md + "见[外层[内层](a)文字](b)。", fileName: "hostile.md")
        #expect(inner.text.hasSuffix("见外层内层文字。"))
    }

    @Test func combiningMarksAreComposedInPieces() throws {
        let s = try Self.snapshot("中文" + Self.run("e\u{301}", bytes: Self.size / 2))
        #expect(s.text.unicodeScalars.allSatisfy { $0 == "é" || $0 == "中" || $0 == "文" })
        #expect(s.text.unicodeScalars.count == 2 + Self.size / 2 / 3)
        #expect(s.normalization.actions.contains { $0.kind.rawValue == "unicode_nfc" })
        // Pieces are cut only before characters that never compose with what precedes them.
        let mixed = String(repeating: "a\u{308}b\u{327}\u{301}中", count: 3000)
        let composed = TextNormalizer.normalize(mixed).text
        #expect(composed == mixed.precomposedForTest)
    }

    @Test func sameTimeLastYearAfterOneDate() throws {
        let s = try Self.snapshot("2023年6月1日" + Self.run("上年同期", bytes: Self.size / 2))
        let count = (Self.size / 2) / "上年同期".utf8.count
        #expect(s.briefing.periods.count == count + 1)
        #expect(s.briefing.periods.last?.start == "2022-06-01")
    }

    @Test func changesWithoutBasisFindTheirSentencesBasis() throws {
        let s = try Self.snapshot("同比" + Self.run("增长1%", bytes: Self.size / 4))
        #expect(s.briefing.changes.count == (Self.size / 4) / "增长1%".utf8.count)
        #expect(s.briefing.changes.first?.basis == .yearOnYear)
        #expect(Changes.impliedReach <= 400)
    }

    @Test func conversionLeftoversAndControlCharacters() throws {
        for unit in [
            "[bookmark:", "[image:", "HYPERLINK \"", "TOC \\h ", "<a name", "<a n=1>", "{#a .b ",
            "{ HYPERLINK ",
        ] {
            _ = try Self.snapshot("中文。" + Self.run(unit, bytes: Self.size / 4))
        }
        let zeroWidth = try Self.snapshot("中文" + Self.run("\u{200B}", bytes: Self.size / 2))
        #expect(zeroWidth.text == "中文")
        #expect(
            zeroWidth.normalization.actions.first { $0.kind.rawValue == "zero_width" }?.examples == ["U+200B"]
        )
    }

    /// The implied basis found by binary search agrees with the scan it replaces, on random text.
    @Test func impliedBasisIndexAgreesWithTheScan() {
        var generator = SeededGenerator(seed: 12)
        let pieces = ["同比", "环比", "与上年同期", "增长", "。", "，", "中", "文", "\n", "1%", "比上月"]
        for _ in 0..<40 {
            let text = (0..<300).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let t = ScalarText(text)
            let index = Changes.SentenceBases(t)
            for i in stride(from: 0, to: t.count, by: 7) {
                #expect(index.basis(around: i, count: t.count) == Changes.impliedBasis(t, around: i))
            }
        }
    }

    /// At `inbox.max_bytes` a text of single-byte characters is past the default text limit: it is
    /// refused while decoding, before normalization starts.
    @Test func fullSizeInputIsRefusedByTheTextLimit() {
        let full = Self.run("a", bytes: 20 * 1024 * 1024)
        #expect(throws: InputError.textTooLarge(characters: 20 * 1024 * 1024, limit: 5_000_000)) {
            try Self.snapshot(full)
        }
    }
}

/// A small deterministic generator, so the random texts are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

extension String {
    /// NFC by Foundation over the whole string, the reference the piecewise composition must match.
    var precomposedForTest: String { precomposedStringWithCanonicalMapping }
}
