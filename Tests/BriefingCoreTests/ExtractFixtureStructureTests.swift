import TestSupport
import Testing

@testable import BriefingCore

/// Issue 2 point 8: the shared fixture's title, speakers, turns and exchanges, exactly.
@Suite struct ExtractFixtureStructureTests {
    let briefing: Briefing
    let text: String

    init() throws {
        (briefing, text) = extractBriefing(try Paths.fixtureText())
    }

    @Test func title() {
        #expect(briefing.title == "新闻发布会答记者问")
    }

    @Test func twelveTurnsAlternateQuestionAndAnswer() {
        #expect(briefing.turns.count == 12)
        for (i, turn) in briefing.turns.enumerated() {
            #expect(turn.index == i)
            #expect(turn.kind == (i % 2 == 0 ? .question : .answer))
        }
    }

    @Test func sixExchanges() {
        #expect(briefing.exchanges == (0..<6).map { Exchange(question: 2 * $0, answers: [2 * $0 + 1]) })
    }

    @Test func reportersOutlets() {
        let byID = Dictionary(uniqueKeysWithValues: briefing.speakers.map { ($0.id, $0) })
        let outlets = briefing.turns.filter { $0.kind == .question }.map { byID[$0.speaker]?.outlet }
        #expect(outlets == ["内蒙古广播电视台", "内蒙古日报社", "新华网", "内蒙古日报社", "中国经济周刊", "内蒙古广播电视台"])
        for turn in briefing.turns where turn.kind == .question {
            #expect(byID[turn.speaker]?.role == .reporter)
        }
    }

    @Test func officialsSplitIntoOrganizationTitleName() {
        let byID = Dictionary(uniqueKeysWithValues: briefing.speakers.map { ($0.id, $0) })
        let officials = briefing.turns.filter { $0.kind == .answer }.compactMap { byID[$0.speaker] }
        let split = officials.map { [$0.organization, $0.title, $0.name] }
        #expect(
            split == [
                ["自治区公安厅治安管理总队", "总队长", "杨义"],
                ["自治区公安厅刑事侦查总队", "总队长", "张玉犀"],
                ["自治区公安厅交通管理局", "政委", "黄丽娜"],
                ["自治区公安厅反恐怖总队", "总队长", "阿力坦宝力高"],
                ["自治区公安厅生态环境食品药品犯罪侦查总队", "总队长", "苗海斌"],
                ["自治区公安厅边境管理总队调查处", "处长", "王孝东"],
            ])
        for o in officials {
            #expect(o.role == .official)
            #expect(o.label == (o.organization ?? "") + (o.title ?? "") + (o.name ?? ""))
        }
    }

    @Test func speakersListedOnceInOrderOfAppearance() {
        #expect(briefing.speakers.count == 10)
        #expect(briefing.speakers.map(\.id) == (1...10).map { "s\($0)" })
        #expect(Set(briefing.speakers.map(\.label)).count == 10)
        #expect(
            briefing.turns.map(\.speaker) == [
                "s1", "s2", "s3", "s4", "s5", "s6", "s3", "s7", "s8", "s9", "s1", "s10",
            ])
        #expect(briefing.speakers[0].label == "内蒙古广播电视台记者")
    }

    @Test func turnTextExcludesLabelAndDuplicatedLabelMakesNoTurn() {
        #expect(briefing.turns[0].text.hasPrefix("在落实“五大任务”工作中"))
        #expect(briefing.turns[1].text.hasPrefix("良好的社会治安环境是全区落实"))
        #expect(briefing.turns[1].text.hasSuffix("创造更加安全稳定的社会治安环境。"))
        #expect(briefing.turns[11].text.hasSuffix("贡献移民管理机构力量。"))
        for turn in briefing.turns { #expect(!turn.text.hasPrefix("\n") && !turn.text.hasSuffix("\n")) }
        expectSpansHold(briefing, in: text)
    }
}
