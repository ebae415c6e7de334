import TestSupport
import Testing

@testable import BriefingCore

/// Every figure, change, period and named item of the shared fixture, each checked by reading
/// the text (issue 4: 84 figures with units, 20 percentages, 22 date or period expressions).
@Suite struct ExtractFixtureFactsTests {
    let briefing: Briefing
    let text: String

    init() throws {
        (briefing, text) = extractBriefing(try Paths.fixtureText())
    }

    struct F: Equatable, CustomStringConvertible {
        var turn: Int
        var text: String
        var value: Double
        var unit: String?
        var approx: Figure.Approx
        init(_ turn: Int, _ text: String, _ value: Double, _ unit: String?, _ approx: Figure.Approx) {
            (self.turn, self.text, self.value, self.unit, self.approx) = (turn, text, value, unit, approx)
        }
        var description: String { "\(turn) \(text) \(value) \(unit ?? "nil") \(approx)" }
    }

    static let figures: [F] = [
        F(1, "100%", 100, "%", .exact),
        F(1, "100%", 100, "%", .exact),
        F(1, "100%", 100, "%", .exact),
        F(1, "100%", 100, "%", .exact),
        F(1, "6100余个", 6100, "个", .over),
        F(1, "3万余人次", 30000, "人次", .over),
        F(1, "4.5万余人次", 45000, "人次", .over),
        F(1, "1190余次", 1190, "次", .over),
        F(1, "近820处", 820, "处", .nearly),
        F(1, "550余处", 550, "处", .over),
        F(1, "1521次", 1521, "次", .exact),
        F(1, "650次", 650, "次", .exact),
        F(1, "503枚", 503, "枚", .exact),
        F(1, "近1900公斤", 1900, "公斤", .nearly),
        F(1, "81处", 81, "处", .exact),
        F(1, "319处", 319, "处", .exact),
        F(3, "90%", 90, "%", .exact),
        F(3, "100%", 100, "%", .exact),
        F(3, "100%", 100, "%", .exact),
        F(3, "100%", 100, "%", .exact),
        F(3, "100%", 100, "%", .exact),
        F(3, "100%", 100, "%", .exact),
        F(3, "10个", 10, "个", .exact),
        F(3, "1个", 1, "个", .exact),
        F(3, "6个", 6, "个", .exact),
        F(3, "8个", 8, "个", .exact),
        F(3, "1个", 1, "个", .exact),
        F(3, "1个", 1, "个", .exact),
        F(3, "399起", 399, "起", .exact),
        F(3, "353名", 353, "名", .exact),
        F(3, "6名", 6, "名", .exact),
        F(3, "7801起", 7801, "起", .exact),
        F(3, "5748起", 5748, "起", .exact),
        F(3, "23起", 23, "起", .exact),
        F(3, "23起", 23, "起", .exact),
        F(3, "5840名", 5840, "名", .exact),
        F(5, "6座以上", 6, "座", .over),
        F(5, "5座以下", 5, "座", .under),
        F(5, "2622起", 2622, "起", .exact),
        F(5, "626起", 626, "起", .exact),
        F(5, "19.27%", 19.27, "%", .exact),
        F(5, "353人", 353, "人", .exact),
        F(5, "68人", 68, "人", .exact),
        F(5, "16.15%", 16.15, "%", .exact),
        F(5, "2859人", 2859, "人", .exact),
        F(5, "811人", 811, "人", .exact),
        F(5, "22.1%", 22.1, "%", .exact),
        F(5, "1095.1万元", 10951000, "元", .exact),
        F(5, "36.6万元", 366000, "元", .exact),
        F(5, "3.2%", 3.2, "%", .exact),
        F(5, "286.8万起", 2868000, "起", .exact),
        F(5, "24.5万起", 245000, "起", .exact),
        F(5, "9.3%", 9.3, "%", .exact),
        F(5, "1.9万起", 19000, "起", .exact),
        F(5, "3378起", 3378, "起", .exact),
        F(5, "21.3%", 21.3, "%", .exact),
        F(7, "24项", 24, "项", .exact),
        F(7, "80余人", 80, "人", .over),
        F(7, "30余起", 30, "起", .over),
        F(7, "97起", 97, "起", .exact),
        F(7, "282起", 282, "起", .exact),
        F(7, "1123张", 1123, "张", .exact),
        F(7, "1249次", 1249, "次", .exact),
        F(7, "110余个", 110, "个", .over),
        F(7, "1100余次", 1100, "次", .over),
        F(7, "100余场次", 100, "场次", .over),
        F(7, "2000余名", 2000, "名", .over),
        F(7, "40余次", 40, "次", .over),
        F(7, "6部", 6, "部", .exact),
        F(7, "500余万册", 5000000, "册", .over),
        F(7, "千万人", 10000000, "人", .exact),
        F(7, "突破百万", 1000000, nil, .over),
        F(7, "超过15万人", 150000, "人", .over),
        F(7, "50万元", 500000, "元", .under),
        F(9, "9省区", 9, "省区", .exact),
        F(9, "892起", 892, "起", .exact),
        F(9, "21.7%", 21.7, "%", .exact),
        F(9, "千余个", 1000, "个", .over),
        F(9, "8个", 8, "个", .exact),
        F(9, "2391起", 2391, "起", .exact),
        F(9, "13.1万亩", 131000, "亩", .exact),
        F(9, "8个", 8, "个", .exact),
        F(10, "4200多公里", 4200, "公里", .over),
        F(10, "36万平方公里", 360000, "平方公里", .exact),
        F(11, "4262公里", 4262, "公里", .exact),
        F(11, "36万平方公里", 360000, "平方公里", .exact),
        F(11, "20个", 20, "个", .exact),
        F(11, "345起", 345, "起", .exact),
        F(11, "7874起", 7874, "起", .exact),
        F(11, "486人", 486, "人", .exact),
        F(11, "73人", 73, "人", .exact),
        F(11, "38起", 38, "起", .exact),
        F(11, "168人", 168, "人", .exact),
        F(11, "62支", 62, "支", .exact),
        F(11, "5.2万发", 52000, "发", .exact),
        F(11, "7个", 7, "个", .exact),
        F(11, "2800余名", 2800, "名", .over),
        F(11, "18条", 18, "条", .exact),
        F(11, "192万人次", 1920000, "人次", .exact),
        F(11, "415%", 415, "%", .exact),
        F(11, "94万辆（列、架）次", 940000, "辆（列、架）次", .exact),
        F(11, "181%", 181, "%", .exact),
        F(11, "6732万吨", 67320000, "吨", .exact),
        F(11, "113%", 113, "%", .exact),
    ]

    @Test func everyFigure() {
        // Compared folded: the normalizer may turn the fixture's `19.27％` into `19.27%`.
        let found = briefing.figures.map {
            F($0.turn ?? -1, foldedWidth($0.text), $0.value, $0.unit, $0.approx)
        }
        #expect(found.count == Self.figures.count)
        for (a, b) in zip(found, Self.figures) {
            #expect(a == F(b.turn, foldedWidth(b.text), b.value, b.unit, b.approx))
        }
        #expect(found.filter { $0.unit == "%" }.count == 20)
        // `连续3年` is a length of time: a period, not a figure.
        #expect(found.filter { $0.unit != nil && $0.unit != "%" }.count == 83)
    }

    @Test func figureSubjects() {
        let subjects = Dictionary(
            briefing.figures.map { ($0.text, $0.subject) }, uniquingKeysWith: { a, _ in a })
        #expect(subjects["6100余个"] == "警务室或治安岗亭")
        #expect(subjects["399起"] == "破获刑事案件")
        #expect(subjects["319处"] == "打掉黄赌窝点")
        #expect(subjects["10个"] == "部门")
        #expect(subjects["1个"] == "打掉传统涉黑组织")  // 全区公安机关已打掉传统涉黑组织1个
        #expect(subjects["1095.1万元"] == "财产损失")
        #expect(subjects["7个"] == "边境管理政务服务中心")
        #expect(subjects["2800余名"] == "边民群众")
        // A change's own number counts what the figure it qualifies counts.
        #expect(subjects["626起"] == "发生一般交通事故")
    }

    struct C: Equatable {
        var text: String
        var direction: Change.Direction
        var percent: Double?
        var amount: Double?
        var unit: String?
        var qualifies: String?
    }

    @Test func everyChange() {
        let expected: [C] = [
            C(text: "比上年同期减少626起", direction: .down, amount: 626, unit: "起", qualifies: "2622起"),
            C(text: "同比下降19.27%", direction: .down, percent: 19.27, qualifies: "2622起"),
            C(text: "比上年同期减少68人", direction: .down, amount: 68, unit: "人", qualifies: "353人"),
            C(text: "同比下降16.15%", direction: .down, percent: 16.15, qualifies: "353人"),
            C(text: "比上年同期减少811人", direction: .down, amount: 811, unit: "人", qualifies: "2859人"),
            C(text: "同比下降22.1%", direction: .down, percent: 22.1, qualifies: "2859人"),
            C(text: "比上年同期减少36.6万元", direction: .down, amount: 366_000, unit: "元", qualifies: "1095.1万元"),
            C(text: "同比下降3.2%", direction: .down, percent: 3.2, qualifies: "1095.1万元"),
            C(text: "增加24.5万起", direction: .up, amount: 245_000, unit: "起", qualifies: "286.8万起"),
            C(text: "同比增加9.3%", direction: .up, percent: 9.3, qualifies: "286.8万起"),
            C(text: "增加3378起", direction: .up, amount: 3378, unit: "起", qualifies: "1.9万起"),
            C(text: "同比增加21.3%", direction: .up, percent: 21.3, qualifies: "1.9万起"),
            C(text: "同比增长21.7%", direction: .up, percent: 21.7, qualifies: "892起"),
            C(text: "同比增加415%", direction: .up, percent: 415, qualifies: "192万人次"),
            C(text: "同比增加181%", direction: .up, percent: 181, qualifies: "94万辆（列、架）次"),
            C(text: "同比增加113%", direction: .up, percent: 113, qualifies: "6732万吨"),
        ]
        let found = briefing.changes.map {
            C(
                text: foldedWidth($0.text), direction: $0.direction, percent: $0.percent, amount: $0.amount,
                unit: $0.unit,
                qualifies: $0.figure.map { briefing.figures[$0].text })
        }
        #expect(
            found
                == expected.map {
                    C(
                        text: foldedWidth($0.text), direction: $0.direction, percent: $0.percent,
                        amount: $0.amount, unit: $0.unit, qualifies: $0.qualifies)
                })
        // Every change here is against the same period a year earlier, stated or implied by its sentence.
        #expect(briefing.changes.allSatisfy { $0.basis == .yearOnYear })
        #expect(briefing.changes.allSatisfy { $0.turn == 5 || $0.turn == 9 || $0.turn == 11 })
    }

    struct P: Equatable, CustomStringConvertible {
        var text: String
        var start: String?
        var end: String?
        init(_ text: String, _ start: String?, _ end: String?) {
            (self.text, self.start, self.end) = (text, start, end)
        }
        var description: String { "\(text) \(start ?? "nil") \(end ?? "nil")" }
    }

    @Test func everyPeriod() {
        // `2023年以来` makes 2023 the reference year; `2022年` is a year of its own; 上年同期 follows
        // the period its sentence names; 截至目前 has no day to end on (no briefing date, and the
        // ingestion date is years later); 近年来 states no bound.
        let expected: [P] = [
            P("今年以来", "2023-01-01", nil),
            P("近年来", nil, nil),
            P("2023年以来", "2023-01-01", nil),
            P("1至8月", "2023-01-01", "2023-08-31"),
            P("今年以来", "2023-01-01", nil),
            P("6月底至9月底", "2023-06-30", "2023-09-30"),
            P("6月26日至9月30日", "2023-06-26", "2023-09-30"),
            P("2023年6月25日至8月31日", "2023-06-25", "2023-08-31"),
            P("上年同期", "2022-06-25", "2022-08-31"),
            P("上年同期", "2022-06-25", "2022-08-31"),
            P("上年同期", "2022-06-25", "2022-08-31"),
            P("上年同期", "2022-06-25", "2022-08-31"),
            P("近年来", nil, nil),
            P("截至目前", nil, nil),
            P("近年来", nil, nil),
            P("近年来", nil, nil),
            P("2022年", "2022-01-01", "2022-12-31"),
            P("今年前8个月", "2023-01-01", "2023-08-31"),
            P("近年来", nil, nil),
            P("近年来", nil, nil),
            P("三年来", "2021-01-01", nil),
            P("连续3年", nil, nil),
            P("今年1—8月份", "2023-01-01", "2023-08-31"),
        ]
        #expect(briefing.periods.map { P($0.text, $0.start, $0.end) } == expected)
        // Lengths of time carry their ISO 8601 duration.
        #expect(briefing.periods.compactMap(\.duration) == ["P3Y", "P3Y"])
        #expect(briefing.referenceYear == 2023)
        #expect(briefing.referenceYearSource == .text)
        #expect(briefing.date == nil)
        // Not dates: inside quotes, after a hyphen, or between middle dots.
        for wrong in ["1至5号", "2022", "1·3·5", "5分钟"] {
            #expect(!briefing.periods.contains { $0.text.contains(wrong) && !$0.text.hasSuffix("年") })
        }
    }

    @Test func everyNamedItem() {
        let expected: [(Named.Kind, String)] = [
            (.quoted, "五大任务"),
            (.quoted, "五大任务"),
            (.quoted, "五大任务"),
            (.quoted, "六防五控四推进"),
            (.quoted, "三大行动"),
            (.quoted, "护校安园"),
            (.quoted, "护校安园"),
            (.quoted, "三年行动计划"),
            (.quoted, "警家校"),
            (.quoted, "高峰勤务"),
            (.quoted, "护学岗"),
            (.quoted, "四个100%"),
            (.quoted, "护学岗"),
            (.quoted, "缉枪治爆"),
            (.quoted, "打防管控治宣"),
            (.quoted, "扫黄铲赌"),
            (.quoted, "清风2023"),
            (.`case`, "1.11"),
            (.quoted, "三大行动"),
            (.quoted, "模范自治区"),
            (.quoted, "人民公安为人民"),
            (.quoted, "以两件大事为主抓手推进内蒙古现代化建设"),
            (.quoted, "以两件大事为主抓手推进内蒙古现代化建设"),
            (.quoted, "保底线、争一流、创亮点"),
            (.quoted, "双稳"),
            (.quoted, "两抢一盗"),
            (.quoted, "两抢"),
            (.quoted, "两抢"),
            (.quoted, "四专两合力"),
            (.quoted, "立足我区、服务全国"),
            (.quoted, "漏网之鱼"),
            (.quoted, "夏季行动"),
            (.quoted, "四个一批、四个严防、两个确保"),
            (.hotline, "96110"),
            (.hotline, "12381"),
            (.quoted, "三不一多"),
            (.quoted, "五大任务"),
            (.quoted, "飙车炸街"),
            (.quoted, "双违"),
            (.quoted, "两项攻坚项目"),
            (.quoted, "四无运输企业"),
            (.quoted, "一超联惩"),
            (.quoted, "营转非"),
            (.quoted, "双违"),
            (.quoted, "双违"),
            (.quoted, "五大曝光"),
            (.quoted, "美丽乡村行"),
            (.quoted, "亮屏"),
            (.quoted, "夏季说安全"),
            (.quoted, "北大门"),
            (.quoted, "护城河"),
            (.quoted, "不发生"),
            (.document, "内蒙古自治区实施〈中华人民共和国反恐怖主义法〉办法"),
            (.quoted, "反恐怖工作应该做什么、怎么做、达到什么要求"),
            (.quoted, "恐"),
            (.quoted, "护城河1至5号"),
            (.quoted, "北疆-2022"),
            (.document, "反恐怖主义法"),
            (.quoted, "边疆万里行"),
            (.quoted, "反恐怖宣传教育震撼三部曲"),
            (.quoted, "内蒙古反恐"),
            (.document, "暴力恐怖犯罪案事件线索奖励办法"),
            (.quoted, "国之大者"),
            (.quoted, "筑牢我国北方重要生态安全屏障"),
            (.quoted, "国之大者"),
            (.quoted, "骑警队"),
            (.quoted, "警种联动、部门协同、全警参与、齐抓共管"),
            (.document, "黄河流域生态保护警务合作协议"),
            (.quoted, "清风"),
            (.quoted, "雷霆"),
            (.quoted, "洗洞"),
            (.quoted, "三大战场"),
            (.quoted, "以学促干"),
            (.quoted, "保卫黄河"),
            (.quoted, "全覆盖、可视化、能预警"),
            (.document, "黄河保护法"),
            (.quoted, "天、空、地、人"),
            (.quoted, "两件大事"),
            (.quoted, "獴猎"),
            (.quoted, "靖边"),
            (.quoted, "犁平"),
            (.`case`, "4·29"),
            (.`case`, "5·07"),
            (.quoted, "三非"),
            (.quoted, "百万警进千万家"),
            (.quoted, "三务合一"),
            (.quoted, "四所联调"),
            (.quoted, "七分调纠"),
            (.quoted, "新时代草原110"),
            (.quoted, "强边固防直通车"),
            (.quoted, "戍边警务室"),
            (.quoted, "党员堡垒户"),
            (.quoted, "警民邮路"),
            (.quoted, "马背警队"),
            (.quoted, "雪城义警"),
            (.quoted, "护边驿站"),
            (.quoted, "一带一路"),
            (.quoted, "一带一路"),
            (.quoted, "快捷通道"),
        ]
        #expect(briefing.named.count == expected.count)
        for (a, b) in zip(briefing.named, expected) {
            #expect(a.kind == b.0)
            #expect(a.text == b.1)
        }
    }

    @Test func noFigureFromMarkersFixedWordsCodesOrYears() {
        let texts = Set(briefing.figures.map(\.text))
        for noise in [
            "一是", "统一", "十分", "五大", "三不一多", "一批", "一键", "2023", "2022", "96110", "12381", "1.11",
            "两个", "四个", "八类", "1至5", "4·29",
        ] {
            #expect(!texts.contains { $0.contains(noise) }, "\(noise)")
        }
        #expect(!texts.contains("110"))  // “新时代草原110” is a name
    }

    @Test func everySpanHolds() {
        expectSpansHold(briefing, in: text)
        #expect(briefing.figures.allSatisfy { $0.turn != nil })
    }
}
