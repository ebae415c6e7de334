import Foundation
import Testing

@testable import BriefingCore

// A self-evaluation on invented transcripts and pages in styles the other tests do not cover, each
// with a gold file of what a careful reader expects: turns (kind, who speaks, number), the title and
// the date, and the figures. The scores are the ones the product is held to: turn F1, speaker-field
// accuracy, figure precision and recall, pooled over the whole set.

/// What a reader expects of one input (`Transcripts/gold/NAME.gold.json`).
struct GoldFile: Decodable {
    struct GoldTurn: Decodable {
        var kind: String
        var role: String
        var outlet: String?
        var organization: String?
        var title: String?
        var name: String?
        var number: Int?
        /// The first characters of the turn's text (after its label and number).
        var starts: String
    }
    struct GoldFigure: Decodable {
        var value: Double
        var unit: String?
        var approx: String
        var ratioTo: Double?
        enum CodingKeys: String, CodingKey {
            case value, unit, approx
            case ratioTo = "ratio_to"
        }
    }
    var url: String?
    var title: String
    var date: String
    /// Where the date must have been read (`title`, `meta`, …), when the gold says.
    var dateSource: String?
    /// Boilerplate of the page that must not reach `text`.
    var absent: [String]?
    var turns: [GoldTurn]
    var figures: [GoldFigure]

    enum CodingKeys: String, CodingKey {
        case url, title, date, absent, turns, figures
        case dateSource = "date_source"
    }
}

/// One input of the set, run through the whole pipeline as the daemon runs it.
struct GoldCase: CustomTestStringConvertible, Sendable {
    var file: String
    var testDescription: String { file }

    static let all: [GoldCase] = [
        "scio-briefing.txt", "mfa-page.html", "taiwan-affairs.html", "commerce-figures.txt",
        "provincial-named.txt", "hk-government.txt", "executive-yuan.txt", "live-text.html",
        "word-export.txt", "markdown-frontmatter.md", "interview.txt", "reported-page.html",
        "bracket-labels.txt", "taiwan-council.txt", "own-line-labels.html",
    ].map { GoldCase(file: $0) }

    var base: String { String(file[..<file.lastIndex(of: ".")!]) }
    var ext: String { String(file[file.index(after: file.lastIndex(of: ".")!)...]) }

    func load() throws -> (gold: GoldFile, snapshot: Snapshot) {
        let input = try #require(
            Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Transcripts/gold"))
        let goldURL = try #require(
            Bundle.module.url(
                forResource: base + ".gold", withExtension: "json", subdirectory: "Transcripts/gold"))
        let gold = try JSONDecoder().decode(GoldFile.self, from: Data(contentsOf: goldURL))
        let bytes = try [UInt8](Data(contentsOf: input))
        let source =
            gold.url.map {
                Source(
                    kind: .url, name: "gold", url: $0,
                    http: HTTPInfo(status: 200, lastModified: nil, contentType: "text/html"))
            } ?? .file(file)
        // Ingested years after the briefings, so that a date that is not read shows.
        let snapshot = try BriefingPipeline.process(
            bytes, hints: DecodeHints(fileName: file), source: source,
            ingestedAt: Timestamp(millisecondsSinceEpoch: 1_796_530_202_123))
        return (gold, snapshot)
    }
}

/// Counts behind the scores of one input.
struct GoldScore {
    var goldTurns = 0
    var foundTurns = 0
    var matchedTurns = 0
    var speakerFields = 0
    var speakerFieldsRight = 0
    var goldFigures = 0
    var foundFigures = 0
    var matchedFigures = 0
    /// Readable differences, for the failure message.
    var misses: [String] = []

    static func + (a: GoldScore, b: GoldScore) -> GoldScore {
        GoldScore(
            goldTurns: a.goldTurns + b.goldTurns, foundTurns: a.foundTurns + b.foundTurns,
            matchedTurns: a.matchedTurns + b.matchedTurns, speakerFields: a.speakerFields + b.speakerFields,
            speakerFieldsRight: a.speakerFieldsRight + b.speakerFieldsRight,
            goldFigures: a.goldFigures + b.goldFigures, foundFigures: a.foundFigures + b.foundFigures,
            matchedFigures: a.matchedFigures + b.matchedFigures, misses: a.misses + b.misses)
    }

    var turnF1: Double {
        let p = Double(matchedTurns) / Double(max(foundTurns, 1))
        let r = Double(matchedTurns) / Double(max(goldTurns, 1))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
    var speakerAccuracy: Double { Double(speakerFieldsRight) / Double(max(speakerFields, 1)) }
    var figurePrecision: Double { Double(matchedFigures) / Double(max(foundFigures, 1)) }
    var figureRecall: Double { Double(matchedFigures) / Double(max(goldFigures, 1)) }
}

/// Scores one extraction against its gold: turns are matched in order by kind, number and the start
/// of their text; figures as a multiset of (value, unit, approx, ratio_to).
func score(_ b: Briefing, against gold: GoldFile, name: String) -> GoldScore {
    var s = GoldScore(goldTurns: gold.turns.count, foundTurns: b.turns.count)
    let speakers = Dictionary(b.speakers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    var cursor = 0
    for g in gold.turns {
        guard
            let i = b.turns[cursor...].firstIndex(where: {
                $0.kind.rawValue == g.kind && $0.text.hasPrefix(g.starts) && $0.number == g.number
            })
        else {
            s.misses.append("\(name): turn \(g.kind) 「\(g.starts)」 not found")
            continue
        }
        cursor = i + 1
        s.matchedTurns += 1
        let sp = speakers[b.turns[i].speaker]
        let pairs: [(String, String?, String?)] = [
            ("role", g.role, sp?.role.rawValue), ("outlet", g.outlet, sp?.outlet),
            ("organization", g.organization, sp?.organization), ("title", g.title, sp?.title),
            ("name", g.name, sp?.name),
        ]
        for (field, want, got) in pairs {
            s.speakerFields += 1
            if want == got {
                s.speakerFieldsRight += 1
            } else {
                s.misses.append(
                    "\(name): turn 「\(g.starts)」 \(field) \(want ?? "nil") ≠ \(got ?? "nil") (label \(sp?.label ?? "?"))"
                )
            }
        }
    }
    for t in b.turns[...] where !gold.turns.contains(where: { t.text.hasPrefix($0.starts) }) {
        s.misses.append("\(name): extra turn \(t.kind.rawValue) 「\(t.text.prefix(12))」")
    }
    s.goldFigures = gold.figures.count
    s.foundFigures = b.figures.count
    var unmatched = gold.figures
    for f in b.figures {
        if let k = unmatched.firstIndex(where: {
            abs($0.value - f.value) <= 1e-9 * max(1, abs(f.value)) && $0.unit == f.unit
                && $0.approx == f.approx.rawValue && ($0.ratioTo ?? f.ratioTo) == f.ratioTo
        }) {
            unmatched.remove(at: k)
            s.matchedFigures += 1
        } else {
            s.misses.append(
                "\(name): extra figure 「\(f.text)」 \(f.value) \(f.unit ?? "nil") \(f.approx.rawValue)")
        }
    }
    for g in unmatched {
        s.misses.append("\(name): missed figure \(g.value) \(g.unit ?? "nil") \(g.approx)")
    }
    return s
}

@Suite struct ExtractGoldSetTests {
    /// Each input on its own: title, date and no boilerplate exactly; every gold turn found in order
    /// with the right speaker, and no turn that the gold does not have.
    @Test(arguments: GoldCase.all)
    func eachInputMatchesItsGold(_ c: GoldCase) throws {
        let (gold, snapshot) = try c.load()
        let b = snapshot.briefing
        #expect(b.title == gold.title)
        #expect(b.date == gold.date)
        if let source = gold.dateSource { #expect(b.dateSource?.rawValue == source) }
        for boilerplate in gold.absent ?? [] {
            #expect(!snapshot.text.contains(boilerplate), "\(boilerplate) leaked into the text")
        }
        let s = score(b, against: gold, name: c.file)
        let turnMisses = s.misses.filter { !$0.contains("figure") }
        #expect(turnMisses.isEmpty, "\(turnMisses.joined(separator: "\n"))")
        #expect(s.matchedTurns == gold.turns.count && b.turns.count == gold.turns.count)
        expectSpansHold(b, in: snapshot.text)
    }

    /// The pooled scores the product is held to.
    @Test func pooledScoresMeetTheThresholds() throws {
        var total = GoldScore()
        var pagesRight = 0
        var pages = 0
        for c in GoldCase.all {
            let (gold, snapshot) = try c.load()
            total = total + score(snapshot.briefing, against: gold, name: c.file)
            if c.ext == "html" {
                pages += 1
                if snapshot.briefing.title == gold.title && snapshot.briefing.date == gold.date {
                    pagesRight += 1
                }
            }
        }
        let summary = String(
            format: "gold set: turn F1 %.3f (%d/%d found, %d gold), speaker fields %.3f (%d/%d), "
                + "figures P %.3f R %.3f (%d matched, %d found, %d gold), pages title+date %d/%d",
            total.turnF1, total.matchedTurns, total.foundTurns, total.goldTurns, total.speakerAccuracy,
            total.speakerFieldsRight, total.speakerFields, total.figurePrecision, total.figureRecall,
            total.matchedFigures, total.foundFigures, total.goldFigures, pagesRight, pages)
        print(summary)
        for m in total.misses { print("  " + m) }
        #expect(total.turnF1 >= 0.95, "\(summary)")
        #expect(total.speakerAccuracy >= 0.97, "\(summary)")
        #expect(total.figurePrecision >= 0.9 && total.figureRecall >= 0.9, "\(summary)")
        #expect(pagesRight == pages, "\(summary)")
    }
}

/// The classes the gold set showed, each on its own.
@Suite struct ExtractGoldSetClassTests {
    @Test func dateInChineseNumeralsInTheTitle() {
        #expect(DateText.firstDate(in: "二〇二二年八月二日外交部发言人主持例行记者会")?.iso == "2022-08-02")
        #expect(DateText.firstDate(in: "新闻发布会（二○二三年十二月三十一日）")?.iso == "2023-12-31")
        #expect(DateText.firstDate(in: "二零二一年十月二十一日")?.iso == "2021-10-21")
        #expect(DateText.firstDate(in: "二〇二二年二月三十日") == nil)
        #expect(DateText.firstDate(in: "十二月三十一日") == nil)
    }

    @Test func taiwanYearsInAFullDate() {
        #expect(DateText.firstDate(in: "112年8月3日")?.iso == "2023-08-03")
        #expect(DateText.firstDate(in: "記者會 112 年 12 月 1 日")?.iso == "2023-12-01")
        // Only a full date: a bare `112年` is a count of years or a fiscal year, read elsewhere.
        #expect(DateText.firstDate(in: "112年8月") == nil)
        #expect(DateText.firstDate(in: "112/8/3") == nil)
    }

    @Test func aChainOfTitlesJoinedBy兼() {
        let (b, _) = extractBriefing(
            """
            主持人：今天由副主委兼發言人梁文傑說明。
            梁文傑：大家好。
            大陸委員會副主委兼發言人 梁文傑：補充一點。
            """)
        #expect(b.speakers[1].title == "副主委兼發言人" && b.speakers[1].role == .official)
        #expect(b.speakers[2].organization == "大陸委員會" && b.speakers[2].title == "副主委兼發言人")
    }

    func figures(_ text: String) -> [String] {
        extractBriefing(text).0.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" }
    }

    @Test func thousandsGroupedWithSpaces() {
        #expect(
            figures("新增約3 000個宿位，已批出1 200個名額，涉及12 345 678元。")
                == ["約3 000個=3000.0個/about", "1 200個=1200.0個/exact", "12 345 678元=12345678.0元/exact"])
        // A space between numbers that are not groups of three keeps them apart.
        #expect(figures("2023 年 5 月有 12 1234 人") == ["12=12.0/exact", "1234 人=1234.0人/exact"])
        #expect(figures("名單共 5 200 人") == ["5 200 人=5200.0人/exact"])
    }

    @Test func aNounAfterAMagnitudeIsItsUnit() {
        #expect(figures("发送货物约94.7万标箱。") == ["约94.7万标箱=947000.0标箱/about"])
        // A qualifier after the magnitude is no noun.
        #expect(figures("总数达到5万左右。") == ["5万左右=50000.0/about"])
    }

    @Test func aNumberBeforeAColonIsALabel() {
        #expect(figures("问1：请问有多少人？\n答：共有300人。") == ["300人=300.0人/exact"])
    }

    @Test func labelsTheWordProcessorTypedTwice() {
        let (b, _) = extractBriefing("问1：有多少人？\n答：答：共有300人。\n问2: 何时开始?\n答: 明天。")
        #expect(b.turns.map(\.text) == ["有多少人？", "共有300人。", "何时开始?", "明天。"])
        #expect(b.turns.map(\.number) == [1, nil, 2, nil])
    }

    @Test func whoeverIsThankedIsTheHost() {
        let (b, _) = extractBriefing(
            """
            国务院新闻办公室新闻发布会
            新闻局副局长、新闻发言人 王晓明：今天请到国家统计局副局长陈立新先生。
            国家统计局副局长 陈立新：谢谢主持人。上半年经济稳中有进。
            王晓明：下面请提问。
            新华社记者：请问下半年走势如何？
            陈立新：将保持平稳。
            王晓明：发布会到此结束。
            """)
        #expect(b.speakers.map(\.role) == [.host, .official, .reporter])
        #expect(b.turns.map(\.kind) == [.remark, .remark, .remark, .question, .answer, .remark])
    }

    @Test func aHostLabelThatNamesTheSpokespersonWhoAnswersAlone() {
        let (b, _) = extractBriefing(
            """
            主持人 商务部新闻发言人束珏婷：下午好，请提问。
            路透社记者：请问外资情况如何？
            束珏婷：总体稳定。
            """)
        #expect(b.speakers.count == 2)
        let host = b.speakers[0]
        #expect([host.organization, host.title, host.name] == ["商务部", "新闻发言人", "束珏婷"] && host.role == .host)
        #expect(b.turns.map(\.kind) == [.remark, .question, .answer])
    }

    @Test func aNameAloneTakesTheTitleTheHostGivesIt() {
        let (b, _) = extractBriefing(
            """
            主持人：出席发布会的有省交通运输厅厅长张建华，省发展改革委副主任李红梅。
            张建华：去年交通投资增长较快。
            浙江日报记者：请问李主任，有哪些政策？
            答（李红梅）：我们推出了十项举措。
            答（张建华）：我补充一点。
            """)
        #expect(b.speakers.map(\.title) == [nil, "厅长", nil, "副主任"])
        #expect(b.speakers.map(\.role) == [.host, .official, .reporter, .official])
        #expect(b.turns.map(\.speaker) == ["s1", "s2", "s3", "s4", "s2"])
    }
}
