import Testing

@testable import BriefingCore

/// Short invented transcripts in each style issue 4 names: speakers, turns and facts.
@Suite struct ExtractStyleTests {
    func load(_ name: String, _ ext: String = "txt") throws -> (Briefing, String) {
        extractBriefing(try loadExtractTranscript(name, ext))
    }

    func roles(_ b: Briefing) -> [String] { b.turns.map { "\($0.speaker):\($0.kind.rawValue)" } }

    @Test func provincialBriefing() throws {
        let (b, text) = try load("provincial-briefing")
        #expect(b.title == "省政府新闻办新闻发布会实录")
        #expect(b.date == "2024-03-15")
        #expect(b.referenceYear == 2024)
        #expect(
            b.speakers.map(\.label) == [
                "主持人", "省统计局党组成员、副局长李明", "新华社记者王明", "省公安厅副厅长张华", "香港商报、商报网记者", "中央社 林小明",
            ])
        #expect(b.speakers.map(\.role) == [.host, .official, .reporter, .official, .reporter, .reporter])
        let li = b.speakers[1]
        #expect([li.organization, li.title, li.name] == ["省统计局", "党组成员、副局长", "李明"])
        #expect([b.speakers[2].outlet, b.speakers[2].name] == ["新华社", "王明"])
        #expect(b.speakers[4].outlet == "香港商报、商报网")
        #expect([b.speakers[5].outlet, b.speakers[5].name] == ["中央社", "林小明"])
        // Host and opening statement are remarks; `李：` is 李明 again; `发言人张华说，` is 张华 answering.
        #expect(
            roles(b) == [
                "s1:remark", "s2:remark", "s1:remark", "s3:question", "s4:answer", "s2:answer", "s5:question",
                "s2:answer", "s6:question", "s4:answer",
            ])
        #expect(
            b.exchanges == [
                Exchange(question: 3, answers: [4, 5]), Exchange(question: 6, answers: [7]),
                Exchange(question: 8, answers: [9]),
            ])
        // `下面报告几组数据：` and `这项改革的好处有三点：` are text; `责任编辑：` belongs to no turn.
        #expect(b.turns[1].text.contains("下面报告几组数据：") && b.turns[1].text.contains("1至2月"))
        #expect(b.turns[1].text.hasSuffix("第三，提高办事效率。"))
        #expect(b.turns[3].text == "请问今年以来全省治安形势如何？")
        #expect(b.turns[9].text == "数据经过严格核查，误差不足0.1个百分点。")
        #expect(!b.turns.contains { $0.text.contains("责任编辑") })

        let figures = b.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" }
        #expect(
            figures == [
                "6.8%=6.8%/exact", "1,234.5亿元=123450000000.0元/exact", "5.2%=5.2%/exact",
                "三十万人=300000.0人/exact",
                "5.1%左右=5.1%/about", "1.2万起=12000.0起/exact", "1500起=1500.0起/exact", "两千余名=2000.0名/over",
                "约4800万人=48000000.0人/about", "不足0.1个百分点=0.1个百分点/under",
            ])
        #expect(b.figures[0].subject == "规模以上工业增加值")
        #expect(b.changes.map(\.text) == ["同比增长6.8%", "同比增长5.2%", "比上年同期增加1500起"])
        #expect(b.changes.map(\.figure) == [nil, 1, 5])
        #expect(b.changes[2].amount == 1500 && b.changes[2].unit == "起" && b.changes[2].direction == .up)
        let periods = b.periods.map { "\($0.text) \($0.start ?? "nil") \($0.end ?? "nil")" }
        #expect(
            periods == [
                "2024年3月15日 2024-03-15 2024-03-15", "一季度 2024-01-01 2024-03-31", "1至2月 2024-01-01 2024-02-29",
                "今年以来 2024-01-01 nil",
                "今年以来 2024-01-01 nil", "今年以来 2024-01-01 nil", "上年同期 2023-01-01 2023-03-15",
                "4月中旬 2024-04-11 2024-04-20",
            ])
        #expect(b.named.map(\.text) == ["96110"] && b.named[0].kind == .hotline)
        let points = b.points.map { "\($0.turn ?? -1) \($0.marker) L\($0.level) \($0.text)" }
        #expect(
            points == [
                "1 第一， L1 减少审批环节；", "1 第二， L1 降低企业成本；", "1 第三， L1 提高办事效率。",
                "4 1. L1 深化专项行动。\n（1）严打电信诈骗，拨打96110可以咨询。\n（2）严打涉枪涉爆。", "4 （1） L2 严打电信诈骗，拨打96110可以咨询。",
                "4 （2） L2 严打涉枪涉爆。", "4 2. L1 加强基层基础。",
            ])
        expectSpansHold(b, in: text)
    }

    @Test func foreignMinistryQuestionsAndAnswers() throws {
        let (b, text) = try load("foreign-ministry")
        #expect(b.title == "2024年5月10日外交部发言人汪文斌主持例行记者会")
        #expect(b.date == "2024-05-10")
        // `汪文斌：` is the spokesman the title line names.
        #expect(
            b.speakers[0].label == "汪文斌" && b.speakers[0].role == .official && b.speakers[0].title == "发言人")
        #expect(b.speakers.map(\.label) == ["汪文斌", "法新社记者", "问", "答", "有记者问"])
        #expect(
            roles(b) == [
                "s1:remark", "s2:question", "s1:answer", "s3:question", "s4:answer", "s5:question",
                "s4:answer",
                "s3:question", "s4:answer", "s3:question", "s4:answer",
            ])
        // Numbered questions `一）…？` without a label, answered by the unlabelled paragraph after them;
        // the number is the turn's `number`, not part of its text.
        #expect(b.turns[7].text.hasPrefix("请问中方如何看待") && b.turns[7].number == 1)
        #expect(b.turns[9].number == 2 && b.turns.compactMap(\.number) == [1, 2])
        #expect(b.turns[8].text == "中方愿同各方一道推动协定高质量实施。")
        #expect(b.exchanges.count == 5 && b.exchanges.allSatisfy { $0.answers == [$0.question + 1] })
        #expect(b.periods.map(\.text) == ["2024年5月10日", "5月12日至14日", "今年前4个月", "今年以来", "1—4月"])
        #expect(b.periods[1].start == "2024-05-12" && b.periods[1].end == "2024-05-14")
        #expect(b.periods[2].end == "2024-04-30")
        #expect(b.figures.map(\.text) == ["5000列", "10%", "约1200亿美元"])
        #expect(
            b.figures[2].value == 120_000_000_000 && b.figures[2].unit == "美元"
                && b.figures[2].approx == .about)
        #expect(b.named.map(\.text) == ["区域全面经济伙伴关系协定"] && b.named[0].kind == .document)
        expectSpansHold(b, in: text)
    }

    @Test func liveTextWithTimeStamps() throws {
        let (b, text) = try load("live-text")
        // The first time stamp dates the briefing, and so resolves `今年`.
        #expect(b.date == "2019-03-04")
        #expect(b.referenceYear == 2019)
        #expect(b.speakers.map(\.role) == [.host, .official, .reporter, .official])
        #expect(
            [b.speakers[1].organization, b.speakers[1].title, b.speakers[1].name] == ["国家发展改革委", "主任", "何立峰"])
        // Two blocks by 何立峰 split by a time stamp are one turn; the label on its own line is not text.
        #expect(roles(b) == ["s1:remark", "s2:remark", "s3:question", "s2:answer", "s4:answer", "s1:remark"])
        #expect(b.turns[1].text.hasPrefix("谢谢主持人。"))
        #expect(b.turns[1].text.hasSuffix("新增减税降费近2万亿元。"))
        #expect(!b.turns[2].text.contains("2019-03-04"))
        #expect(b.exchanges == [Exchange(question: 2, answers: [3, 4])])
        #expect(
            b.periods.map { "\($0.text) \($0.start ?? "") \($0.end ?? "")" } == [
                "今年1至2月 2019-01-01 2019-02-28"
            ])
        #expect(
            b.figures[1].text == "近2万亿元" && b.figures[1].value == 2_000_000_000_000
                && b.figures[1].approx == .nearly)
        #expect(b.points.map(\.marker) == ["第一，", "第二，"])
        expectSpansHold(b, in: text)
    }

    @Test func hongKongTraditionalWithCantonese() throws {
        let (b, text) = try load("hong-kong")
        #expect(b.title == "行政長官會見傳媒開場發言及答問內容")
        #expect(b.date == "2024-01-09")  // 二○二四年一月九日
        #expect(b.speakers.map(\.label) == ["行政長官", "記者", "香港電台記者", "司儀"])
        #expect(b.speakers[0].role == .official && b.speakers[0].title == "行政長官" && b.speakers[0].name == nil)
        #expect(b.speakers[1].role == .reporter && b.speakers[2].outlet == "香港電台")
        #expect(
            roles(b) == ["s1:remark", "s2:question", "s1:answer", "s3:question", "s1:answer", "s4:remark"])
        // A reporter's interjection in brackets stays inside the answer.
        #expect(b.turns[2].text.contains("（記者：係咪會加碼？）我哋冇排除任何可能。"))
        let figures = b.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" }
        #expect(
            figures == [
                "超過1.5萬人=15000.0人/over", "約3,000萬元=30000000.0元/about", "8,500人=8500.0人/exact",
                "百分之七十六=76.0%/exact", "約十五萬個=150000.0個/about", "三成=30.0%/exact",
            ])
        // `三成` is tenths: thirty per cent, year on year (按年), of the 150,000 flats.
        #expect(b.changes.map(\.text) == ["增加百分之七十六", "按年增加三成"])
        #expect(b.changes[0].percent == 76 && b.changes[0].figure == 2)
        #expect(b.changes[1].percent == 30 && b.changes[1].figure == 4 && b.changes[1].basis == .yearOnYear)
        // 去年同期 with no period before it in its paragraph is the whole of last year.
        #expect(
            b.periods.map { "\($0.text) \($0.start ?? "") \($0.end ?? "")" }.contains(
                "去年同期 2023-01-01 2023-12-31"))
        // `未來五年` is a length of time.
        #expect(b.periods.contains { $0.text == "五年" && $0.duration == "P5Y" })
        expectSpansHold(b, in: text)
    }

    @Test func taiwanMarkdownHeadings() throws {
        let (b, text) = try load("taiwan-markdown", "md")
        #expect(b.title == "行政院會後記者會逐字稿")
        #expect(b.speakers.map(\.label) == ["主持人", "陳院長", "中央社 林小明", "聯合報", "國家發展委員會主任委員龔明鑫", "問", "答"])
        // `陳院長` is a surname and a title; `聯合報` an outlet alone.
        #expect([b.speakers[1].name, b.speakers[1].title] == ["陳", "院長"])
        #expect(b.speakers[3].role == .reporter && b.speakers[3].outlet == "聯合報")
        #expect(
            [b.speakers[4].organization, b.speakers[4].title, b.speakers[4].name] == [
                "國家發展委員會", "主任委員", "龔明鑫",
            ])
        // The repeated `### 陳院長：` heading continues the same turn.
        #expect(
            roles(b) == [
                "s1:remark", "s2:remark", "s3:question", "s2:answer", "s4:question", "s5:answer",
                "s6:question", "s7:answer",
            ])
        #expect(b.turns[1].text.hasPrefix("各位媒體朋友大家好。") && b.turns[1].text.hasSuffix("協助約2萬家中小企業。"))
        #expect(b.turns[6].text == "最後一題，電價會不會調漲？")
        let figures = b.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" }
        #expect(
            figures == [
                "1,850億美元=185000000000.0美元/exact", "12.5%=12.5%/exact", "50億元=5000000000.0元/exact",
                "約2萬家=20000.0家/about", "28分=28.0分/exact",
            ])
        #expect(b.changes.map(\.text) == ["較去年同期增加12.5%"] && b.changes[0].basis == .yearOnYear)
        #expect(b.named.map { "\($0.kind.rawValue):\($0.text)" } == ["hotline:1999", "document:中小企業紓困辦法"])
        #expect(b.periods.first?.text == "今年前5個月")
        expectSpansHold(b, in: text)
    }
}

@Suite struct ExtractMinistryStyleTests {
    @Test func ministryBriefingChairedByASpokeswoman() throws {
        let (b, text) = extractBriefing(try loadExtractTranscript("ministry-briefing"))
        #expect(b.title == "国新办举行2023年国民经济运行情况新闻发布会")
        #expect(b.date == "2024-01-17")
        #expect(b.referenceYear == 2023)
        #expect(b.speakers.map(\.label) == ["寿小丽", "国家统计局局长康义", "中央广播电视总台央视记者", "彭博社记者"])
        // The front matter says she presides while another official answers: she is the host.
        #expect(b.speakers.map(\.role) == [.host, .official, .reporter, .reporter])
        // `新闻局副局长、新闻发言人寿小丽`: the whole chain of titles, as in a label.
        #expect(b.speakers[0].title == "副局长、新闻发言人")
        #expect(b.speakers[2].outlet == "中央广播电视总台央视")
        #expect(
            b.turns.map { "\($0.speaker):\($0.kind.rawValue)" } == [
                "s1:remark", "s2:remark", "s1:remark", "s3:question", "s2:answer", "s4:question", "s1:remark",
                "s2:answer", "s1:remark",
            ])
        #expect(b.exchanges == [Exchange(question: 3, answers: [4]), Exchange(question: 5, answers: [7])])
        #expect(b.turns[1].text.hasPrefix("各位记者朋友，大家上午好！"))
        let figures = b.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")" }
        #expect(
            figures == [
                "1260582亿元=126058200000000.0元", "5.2%=5.2%", "4.5%=4.5%", "6.3%=6.3%", "0.3%=0.3%",
                "0.3%=0.3%",
                "0.2个百分点=0.2个百分点",
            ])
        #expect(b.changes.map(\.text) == ["比上年增长5.2%", "同比增长4.5%", "增长6.3%", "同比下降0.3%", "同比下降0.3%"])
        #expect(b.changes.map(\.figure) == [0, nil, nil, nil, nil])
        // Dates without a year belong to 2023, the year the text reports on; 今年 is the briefing's year.
        #expect(
            b.periods.map { "\($0.text) \($0.start ?? "nil") \($0.end ?? "nil")" } == [
                "2023年 2023-01-01 2023-12-31", "2024年1月17日 2024-01-17 2024-01-17",
                "2023年 2023-01-01 2023-12-31",
                "一季度 2023-01-01 2023-03-31", "二季度 2023-04-01 2023-06-30", "2023年 2023-01-01 2023-12-31",
                "2023年 2023-01-01 2023-12-31", "今年以来 2024-01-01 nil", "12月份 2023-12-01 2023-12-31",
                "12月份 2023-12-01 2023-12-31",
            ])
        expectSpansHold(b, in: text)
    }
}

extension ExtractStyleTests {
    @Test func hongKongPressReleaseDatedAtTheEnd() throws {
        let (b, text) = try load("hong-kong-release")
        // The date line after `完` dates the briefing; it and the time line belong to no turn.
        #expect(b.date == "2023-10-10")
        #expect(b.turns.count == 2)
        #expect(b.turns[1].text.hasSuffix("（請同時參閱答問內容的英文部分。）"))
        #expect(
            b.periods.map { "\($0.text) \($0.start ?? "")" } == ["十月十日 2023-10-10", "2023年10月10日 2023-10-10"])
        #expect(b.figures.map(\.text) == ["超過20項"])
        expectSpansHold(b, in: text)
    }
}
