import TestSupport
import Testing

@testable import BriefingCore

/// The extractor's parts on small inputs: numbers, labels, periods, points, and robustness.
@Suite struct ExtractPartsTests {
    let ingested = CivilDate(year: 2024, month: 9, day: 20)

    func extract(_ text: String) -> Briefing {
        BriefingExtractor.extract(text, context: ExtractionContext(ingestionDate: ingested))
    }

    func figures(_ text: String) -> [String] {
        extract(text).figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" }
    }

    @Test(arguments: [
        ("三十", 30), ("两", 2), ("十五", 15), ("一千二百", 1200), ("百万", 1_000_000), ("千万", 10_000_000),
        ("两万五千", 25000), ("一亿五千万", 150_000_000), ("三万亿", 3_000_000_000_000), ("二十万", 200_000),
    ])
    func chineseNumerals(_ written: String, _ value: Int) {
        let t = ScalarText(written)
        #expect(ChineseNumerals.value(t, 0..<t.count) == value)
    }

    @Test func chineseNumeralsRefuseRunsAndHugeNumbers() {
        for written in ["三四", "二二", String(repeating: "亿", count: 8)] {
            let t = ScalarText(written)
            #expect(ChineseNumerals.value(t, 0..<t.count) == nil)
        }
    }

    @Test func exactDecimalArithmetic() {
        #expect(figures("财产损失1095.1万元。") == ["1095.1万元=10951000.0元/exact"])
        #expect(extract("财产损失1095.1万元。").figures[0].value == 10_951_000)
        #expect(figures("共计1,234,567.89元。") == ["1,234,567.89元=1234567.89元/exact"])
        #expect(figures("查处286.8万起。") == ["286.8万起=2868000.0起/exact"])
        #expect(figures("下发500余万册。") == ["500余万册=5000000.0册/over"])
    }

    @Test func fullWidthDigitsAndPercent() {
        #expect(figures("同比下降１９．２７％，破获３９９起。") == ["１９．２７％=19.27%/exact", "３９９起=399.0起/exact"])
    }

    @Test func qualifiersBeforeAndAfter() {
        #expect(
            figures("近820处，将近30人，约5吨，超过15万人，逾百万元，6100余个，4200多公里，5座以下，10人左右，不足3成，最高可奖励50万元。")
                == [
                    "近820处=820.0处/nearly", "将近30人=30.0人/nearly", "约5吨=5.0吨/about", "超过15万人=150000.0人/over",
                    "逾百万元=1000000.0元/over", "6100余个=6100.0个/over", "4200多公里=4200.0公里/over", "5座以下=5.0座/under",
                    "10人左右=10.0人/about", "不足3成=30.0%/under", "50万元=500000.0元/under",
                ])
    }

    @Test func compoundMeasureWord() {
        #expect(figures("检查交通运输工具94万辆（列、架）次。") == ["94万辆（列、架）次=940000.0辆（列、架）次/exact"])
    }

    @Test func noFiguresFromMarkersFixedWordsCodesYearsOrHotlines() {
        let text =
            "一是统一部署，十分重要；二是落实“五大任务”和三不一多。一批案件，一键式报警。2023年6月，“清风2023”行动，“1.11”案，北疆-2022演习，1·3·5分钟出警圈，拨打12345热线，第3名。"
        #expect(figures(text).isEmpty)
    }

    @Test func chineseNumeralsCountOnlyWithRealMeasureWords() {
        #expect(figures("抓获三名嫌疑人，两千余名群众，从四个方面介绍，两个大局，八类犯罪。") == ["三名=3.0名/exact", "两千余名=2000.0名/over"])
    }

    @Test func changesLinkToTheFigureTheyQualify() {
        let b = extract("全区发生事故2622起，比上年同期减少626起，同比下降19.27％；环比增长3%。")
        #expect(b.changes.map(\.text) == ["比上年同期减少626起", "同比下降19.27％", "环比增长3%"])
        #expect(b.changes.map(\.basis) == [.yearOnYear, .yearOnYear, .periodOnPeriod])
        #expect(b.changes.map(\.figure) == [0, 0, nil])
        #expect(b.changes[0].amount == 626 && b.changes[0].unit == "起" && b.changes[0].percent == nil)
        #expect(b.changes[1].percent == 19.27 && b.changes[1].amount == nil)
    }

    func periods(_ text: String) -> [String] {
        extract(text).periods.map { "\($0.text) \($0.start ?? "nil") \($0.end ?? "nil")" }
    }

    @Test func periodsResolveWithTheTextsOwnYear() {
        #expect(
            periods("2023年以来成效明显。6月26日至9月30日开展行动，1至8月破案，今年1—8月份查处，今年前8个月，6月底至9月底。")
                == [
                    "2023年以来 2023-01-01 nil", "6月26日至9月30日 2023-06-26 2023-09-30",
                    "1至8月 2023-01-01 2023-08-31",
                    "今年1—8月份 2023-01-01 2023-08-31", "今年前8个月 2023-01-01 2023-08-31",
                    "6月底至9月底 2023-06-30 2023-09-30",
                ])
    }

    @Test func periodsFallBackToTheIngestionYearAndNeverEndAfterIt() {
        // Ingested 2024-09-20: 今年 is 2024, 12月 said without a year is last December.
        #expect(
            periods("今年以来，三年来，截至目前。12月1日至12月5日开展行动。今年下半年。")
                == [
                    "今年以来 2024-01-01 nil", "三年来 2022-01-01 nil", "截至目前 nil 2024-09-20",
                    "12月1日至12月5日 2023-12-01 2023-12-05", "今年下半年 2024-07-01 2024-09-20",
                ])
    }

    @Test func noFalseDates() {
        #expect(periods("成功举办“护城河1至5号”“北疆-2022”演习，1·3·5分钟出警圈，护城河1至5号，第3月。").isEmpty)
    }

    @Test func sameLastYearFollowsThePeriodBeforeIt() {
        #expect(
            periods("2023年6月25日至8月31日，发生事故2622起，比上年同期减少626起。")
                == ["2023年6月25日至8月31日 2023-06-25 2023-08-31", "上年同期 2022-06-25 2022-08-31"])
    }

    @Test func namedItems() {
        let b = extract("开展“护校安园”行动，出台《内蒙古自治区实施〈中华人民共和国反恐怖主义法〉办法》，侦办“4·29”“1.11”案，接到“96110”来电请拨打12381。")
        #expect(
            b.named.map { "\($0.kind.rawValue):\($0.text)" } == [
                "quoted:护校安园", "document:内蒙古自治区实施〈中华人民共和国反恐怖主义法〉办法", "case:4·29", "case:1.11",
                "hotline:96110", "hotline:12381",
            ])
    }

    @Test func notEveryColonIsALabel() {
        let b = extract("新闻发布会\n原标题：某某发布会\n这项改革的好处有三点：一是快。\n下面报告几组数据：增长5%。\n责任编辑：张三")
        #expect(b.turns.isEmpty && b.speakers.isEmpty)
        #expect(b.points.map(\.text) == ["快。"] && b.points[0].turn == nil)
        #expect(b.title == "新闻发布会")
    }

    @Test(arguments: [
        ("内蒙古日报社记者", Speaker.Role.reporter), ("問", .reporter), ("提問者", .reporter), ("媒體提問", .reporter),
        ("有记者问", .reporter), ("答", .official), ("主持人", .host), ("司儀", .host), ("行政長官", .official),
        ("发言人", .official), ("张华", .unknown), ("聯合報", .reporter),
    ])
    func labelRoles(_ label: String, _ role: Speaker.Role) {
        let b = extract("\(label)：内容如下，谢谢。")
        #expect(b.speakers.first?.role == role)
        #expect(b.speakers.first?.label == label)
    }

    @Test func pointLevelsNest() {
        let text = "某局局长王五：一、总体情况\n（一）第一项。一是甲。二是乙。\n（二）第二项。\n二、下一步\n1.继续努力。\n2.加强合作。"
        let b = extract(text)
        #expect(
            b.points.map { "\($0.marker)\($0.level)" } == [
                "一、1", "（一）2", "一是3", "二是3", "（二）2", "二、1", "1.2", "2.2",
            ])
        #expect(b.points[2].text == "甲。")
        #expect(b.points[4].text == "第二项。")
        expectSpansHold(b, in: text)
    }

    @Test func duplicatedLabelInsideATurnMakesNoTurn() {
        let b = extract("内蒙古广播电视台记者：在落实工作中至关重要内蒙古广播电视台记者：。请问有何措施？\n某局局长王五：我们做了三件事。")
        #expect(b.turns.count == 2 && b.speakers.count == 2)
        #expect(b.exchanges == [Exchange(question: 0, answers: [1])])
    }

    /// No input makes the extractor trap: cut the fixture at every kind of boundary and mix in noise.
    @Test func survivesArbitraryInput() throws {
        let raw = try Paths.fixtureText()
        let scalars = Array(raw.unicodeScalars)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let noise: [Unicode.Scalar] = [
            "：", "\n", "一", "万", "亿", "％", "“", "”", "《", "〈", "至", "年", "月", "是", "、", "（", "）", "1", ".",
        ]
        var total = 0
        for _ in 0..<300 {
            let a = next(scalars.count)
            let b = min(scalars.count, a + next(400))
            var piece = Array(scalars[a..<b])
            for _ in 0..<next(20) where !piece.isEmpty { piece[next(piece.count)] = noise[next(noise.count)] }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: piece)
            let text = String(view)
            let b2 = extract(text)
            expectSpansHold(b2, in: text)
            total += b2.figures.count
        }
        #expect(total > 0)
        for text in [
            "", "\n\n", "：", "一是", "亿亿亿亿亿亿亿亿亿亿元", "99999999999999999999999元", "《《《", "“", "2023年13月40日",
        ] {
            _ = extract(text)
        }
    }
}

@Suite struct ExtractTurnRulesTests {
    let context = ExtractionContext(ingestionDate: CivilDate(year: 2024, month: 9, day: 20))

    @Test func hostDirectingAQuestionKeepsTheExchangeOpen() {
        let b = BriefingExtractor.extract(
            "人民网记者：请问有何进展？\n主持人：请张局长回答。\n市公安局局长张强：进展顺利。\n市公安局副局长李刚：我补充一点。", context: context)
        #expect(b.turns.map(\.kind) == [.question, .remark, .answer, .answer])
        #expect(b.exchanges == [Exchange(question: 0, answers: [2, 3])])
    }

    @Test func functionWordsBeforeAColonAreNotNames() {
        let b = BriefingExtractor.extract("关于：本次会议\n于是：大家同意\n高度：很高", context: context)
        #expect(b.speakers.isEmpty)
    }

    @Test func abbreviatedNameIsTheSameSpeaker() {
        let b = BriefingExtractor.extract(
            "记者：请问？\n外交部发言人毛宁：答复一。\n记者：再问？\n毛宁：答复二。\n记者：三问？\n毛：答复三。\n毛：还有一点。",
            context: context)
        #expect(b.speakers.count == 2)
        // The last two blocks by the same speaker are one turn.
        #expect(b.turns.map(\.speaker) == ["s1", "s2", "s1", "s2", "s1", "s2"])
        #expect(b.turns[5].text == "答复三。\n毛：还有一点。")
    }
}

@Suite struct ExtractLabelShapesTests {
    let context = ExtractionContext(ingestionDate: CivilDate(year: 2024, month: 9, day: 20))

    func speaker(_ label: String) -> Speaker? {
        BriefingExtractor.extract("\(label)：好的，谢谢。", context: context).speakers.first
    }

    @Test func bracketedNameOrLanguage() {
        let host = speaker("主持人（寿小丽）")
        #expect(host?.role == .host && host?.name == "寿小丽" && host?.label == "主持人（寿小丽）")
        let reporter = speaker("記者（英文）")
        #expect(reporter?.role == .reporter && reporter?.name == nil)
    }

    @Test func spaceBetweenTitleAndName() {
        let s = speaker("国务院新闻办新闻局副局长、新闻发言人 寿小丽")
        #expect(s?.organization == "国务院新闻办新闻局")
        #expect(s?.title == "副局长、新闻发言人")
        #expect(s?.name == "寿小丽")
    }

    @Test func nameBeforeTitle() {
        let s = speaker("林佳龍部長")
        #expect(s?.role == .official && s?.name == "林佳龍" && s?.title == "部長" && s?.organization == nil)
    }

    @Test func titleOnly() {
        #expect(speaker("外交部发言人")?.organization == "外交部")
        #expect(speaker("外交部发言人")?.title == "发言人")
        #expect(speaker("財政司司長")?.title == "財政司司長")
    }
}

extension ExtractLabelShapesTests {
    @Test func roleSpaceName() {
        let s = speaker("主持人 寿小丽")
        #expect(s?.role == .host && s?.name == "寿小丽")
        let r = speaker("记者（新华社）")
        #expect(r?.role == .reporter && r?.outlet == "新华社")
    }
}

extension ExtractLabelShapesTests {
    @Test func bracketedLabelsAndBullets() {
        let b = BriefingExtractor.extract(
            "【主持人】各位好。\n◆新华社记者：请问？\n■ 国家统计局局长康义：谢谢。\n[记者] 再问？", context: context)
        #expect(b.speakers.map(\.role) == [.host, .reporter, .official, .reporter])
        #expect(b.turns.map(\.text) == ["各位好。", "请问？", "谢谢。", "再问？"])
    }
}

extension ExtractPartsTests {
    @Test func partsOfTheYear() {
        #expect(
            periods("2023年前三季度增长，第二季度回升，去年上半年持平，2023年底完成，前8月累计。")
                == [
                    "2023年前三季度 2023-01-01 2023-09-30", "第二季度 2023-04-01 2023-06-30",
                    "去年上半年 2022-01-01 2022-06-30",
                    "2023年底 2023-12-01 2023-12-31", "前8月 2023-01-01 2023-08-31",
                ])
    }
}

extension ExtractPartsTests {
    @Test func unchangedFigures() {
        let b = extract("全年粮食产量6.9亿吨，与上年基本持平；价格同比持平。")
        #expect(b.changes.map(\.text) == ["与上年基本持平", "同比持平"])
        #expect(
            b.changes.allSatisfy { $0.direction == .flat && $0.basis == .yearOnYear && $0.percent == nil })
        #expect(b.changes.map(\.figure) == [0, nil])
    }
}

extension ExtractPartsTests {
    /// Degenerate inputs (endless markers, changes without punctuation, thousands of speakers)
    /// stay linear: a quadratic step would take minutes here.
    @Test func degenerateInputsStayFast() {
        let inputs = [
            String(repeating: "一是。", count: 20000),
            String(repeating: "同比减少1起", count: 10000) + "持平",
            (0..<3000).map { "王\($0 % 10)局长李\(["一", "二", "三"][$0 % 3])\($0)：说\n" }.joined(),
            "前言\n" + String(repeating: "增加3人", count: 10000),
        ]
        let clock = ContinuousClock()
        for text in inputs {
            let elapsed = clock.measure { _ = extract(text) }
            #expect(elapsed < .seconds(20))
        }
    }
}

extension ExtractLabelShapesTests {
    @Test func moreTitles() {
        let premier = speaker("国务院总理李强")
        #expect([premier?.organization, premier?.title, premier?.name] == ["国务院", "总理", "李强"])
        let professor = speaker("王教授")
        #expect(professor?.role == .official && professor?.name == "王" && professor?.title == "教授")
    }
}

extension ExtractPartsTests {
    @Test func documentInsideAQuote() {
        let b = extract("开展“《反恐怖主义法》宣传月”活动。")
        #expect(
            b.named.map { "\($0.kind.rawValue):\($0.text)" } == ["quoted:《反恐怖主义法》宣传月", "document:反恐怖主义法"])
    }
}

extension ExtractPartsTests {
    @Test func tradeFiguresAndOpenPeriods() {
        let b = extract(
            "2023年9月12日例行记者会\n毛宁：建交31年来，双边贸易额从4.6亿美元增长到702亿美元，增长了150多倍。自8月24日以来，日方已排放约7800吨，持续了两周多。")
        #expect(b.date == "2023-09-12")
        #expect(
            figures(
                "2023年9月12日例行记者会\n毛宁：建交31年来，双边贸易额从4.6亿美元增长到702亿美元，增长了150多倍。自8月24日以来，日方已排放约7800吨，持续了两周多。"
            ) == [
                "4.6亿美元=460000000.0美元/exact", "702亿美元=70200000000.0美元/exact", "150多倍=150.0倍/over",
                "约7800吨=7800.0吨/about",
            ])
        #expect(b.figures[0].subject == "双边贸易额")
        #expect(b.changes.map(\.text) == ["增长了150多倍"] && b.changes[0].figure == 1)
        #expect(
            b.periods.map { "\($0.text) \($0.start ?? "nil") \($0.end ?? "nil")" } == [
                "2023年9月12日 2023-09-12 2023-09-12", "31年来 1993-01-01 nil", "8月24日以来 2023-08-24 nil",
                "两周多 nil nil",
            ])
        // `31年来` and `两周多` are lengths of time too.
        #expect(b.periods.map(\.duration) == [nil, "P31Y", nil, "P2W"])
        #expect(b.periods.map(\.approx) == [nil, .exact, nil, .over])
    }
}
