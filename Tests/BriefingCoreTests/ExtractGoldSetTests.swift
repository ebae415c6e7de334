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
    /// Boilerplate of the page that must not reach `text`.
    var absent: [String]?
    var turns: [GoldTurn]
    var figures: [GoldFigure]
}

/// One input of the set, run through the whole pipeline as the daemon runs it.
struct GoldCase: CustomTestStringConvertible, Sendable {
    var file: String
    var testDescription: String { file }

    static let all: [GoldCase] = [
        "scio-briefing.txt", "mfa-page.html", "taiwan-affairs.html", "commerce-figures.txt",
        "provincial-named.txt", "hk-government.txt", "executive-yuan.txt", "live-text.html",
        "word-export.txt", "markdown-frontmatter.md", "interview.txt",
    ].map { GoldCase(file: $0) }

    var base: String { String(file[..<file.lastIndex(of: ".")!]) }
    var ext: String { String(file[file.index(after: file.lastIndex(of: ".")!)...]) }

    func load() throws -> (gold: GoldFile, snapshot: Snapshot) {
        let input = try #require(
            Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Transcripts/gold"))
        let goldURL = try #require(
            Bundle.module.url(forResource: base + ".gold", withExtension: "json", subdirectory: "Transcripts/gold"))
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
                    "\(name): turn 「\(g.starts)」 \(field) \(want ?? "nil") ≠ \(got ?? "nil") (label \(sp?.label ?? "?"))")
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
                if snapshot.briefing.title == gold.title && snapshot.briefing.date == gold.date { pagesRight += 1 }
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
