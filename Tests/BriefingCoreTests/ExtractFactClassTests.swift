import Testing

@testable import BriefingCore

// Facts as a reader counts them: ratios, counted two-character nouns, lengths of time (periods,
// not figures), numbers written with spaces around them, and qualifiers in both scripts.

private func figures(_ text: String) -> (Briefing, [String]) {
    let (b, full) = extractBriefing("情况通报\n发言人：\(text)\n")
    expectSpansHold(b, in: full)
    return (b, b.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" })
}

@Suite struct ExtractFactClassTests {
    @Test func ratios() {
        let (b, f) = figures("师生比例不得超过3：1，男女比例约为1∶1，新旧设备按2:1配置，比分为3:2。会议于10:30开始。")
        #expect(
            f == ["不得超过3：1=3.0ratio/under", "1∶1=1.0ratio/exact", "2:1=2.0ratio/exact", "3:2=3.0ratio/exact"])
        #expect(b.figures.map(\.ratioTo) == [1, 1, 1, 2])
        let (t, tf) = figures("師生比例不得超過3：1。")
        #expect(tf == ["不得超過3：1=3.0ratio/under"] && t.figures[0].ratioTo == 1)
    }

    @Test func countedTwoCharacterNounsAreTheUnit() {
        let (_, f) = figures("全国13亿人口，接待游客3200万人次，惠及120万户、5.6万家企业，新增汽车8万辆，服務150萬人次。")
        #expect(
            f == [
                "13亿人口=1300000000.0人口/exact", "3200万人次=32000000.0人次/exact", "120万户=1200000.0户/exact",
                "5.6万家=56000.0家/exact", "8万辆=80000.0辆/exact", "150萬人次=1500000.0人次/exact",
            ])
    }

    /// `不得低于90天` is `under` as the contract states it; `不低于500人` is `over`.
    @Test func durationsArePeriodsNotFigures() {
        let (b, f) = extractBriefingFacts(
            "存储期限不得低于90天，将近19年来坚持不懈，项目历时一年半，连续3年保持增长，110多年前这里是一片荒地。全市破获案件1200起。")
        #expect(f == ["1200起=1200.0起/exact"])
        let durations = b.periods.filter { $0.duration != nil }.map {
            "\($0.text) \($0.duration!) \($0.approx!.rawValue)"
        }
        #expect(
            durations == [
                "不得低于90天 P90D under", "将近19年来 P19Y nearly", "一年半 P18M exact", "连续3年 P3Y exact",
                "110多年前 P110Y over",
            ])
        #expect(b.periods.allSatisfy { ($0.approx == nil) == ($0.duration == nil) })
        // `110多年前`: before the reference year less 110.
        let ago = b.periods.first { $0.text == "110多年前" }
        #expect(ago?.start == nil && ago?.end == "1906-12-31")
        let (t, tf) = extractBriefingFacts("保存期限不得低於90天，將近19年，連續3年增長，歷時兩個月，服務48小時不間斷。")
        #expect(tf.isEmpty)
        #expect(t.periods.first { $0.duration != nil }?.approx == .under)
        #expect(
            t.periods.compactMap(\.duration) == ["P90D", "P19Y", "P3Y", "P2M", "PT48H"])
    }

    @Test func spacedNumbersReadAsUnspaced() {
        let (_, f) = figures(
            "全台約 800 萬人受惠，預算超過 300 萬元，已有 5,000 多位志工，增加 7 萬 人次，覆蓋率達 25 ％，共有幾百萬人關注。")
        #expect(
            f == [
                "約 800 萬人=8000000.0人/about", "超過 300 萬元=3000000.0元/over", "5,000 多位=5000.0位/over",
                "7 萬人次=70000.0人次/exact", "25 %=25.0%/exact", "幾百萬人=1000000.0人/about",
            ])
    }

    @Test func spacedDateAndTimePartsAreNeverFigures() {
        let (b, f) = figures("本辦法自 2024 年 5 月 1 日起施行，記者會於下午 2 點 30 分舉行，10 號公布名單，共 12 人。")
        #expect(f == ["12 人=12.0人/exact"])
        #expect(!b.figures.contains { ["5", "1", "2", "30", "10", "2024"].contains($0.text.trimmingSpaces) })
        // Read as the unspaced forms: a date.
        #expect(b.periods.first { $0.text == "2024 年 5 月 1 日" }?.start == "2024-05-01")
    }

    @Test func recentYearsAndAroundTheClock() {
        let (b, f) = extractBriefingFacts("近5年来累计投入超过20亿元，近3年新增1200起，坚持7×24小时值守。")
        #expect(f == ["超过20亿元=2000000000.0元/over", "1200起=1200.0起/exact"])
        let durations = b.periods.filter { $0.duration != nil }.map { "\($0.text) \($0.approx!.rawValue)" }
        #expect(durations == ["近5年来 exact", "近3年 exact"])
    }

    @Test func calendarYearsAreNoLengthsOfTime() {
        let (b, f) = figures("112 年度總預算中，民國111年支出增加，112 年 3 月起實施，新增確診 20 例，第 1 批 100 萬劑疫苗到貨，歷時 3 年。")
        #expect(f == ["20 例=20.0例/exact", "100 萬劑=1000000.0劑/exact"])
        #expect(b.periods.compactMap(\.duration) == ["P3Y"])
    }

    @Test func qualifiersInBothScripts() {
        let (_, f) = figures(
            "不低于500人，不低於600人，超過700人，800餘人，約900人，大概1000人，1100人左右，大約1200人，不少于1300人，將近1400人。")
        #expect(
            f == [
                "不低于500人=500.0人/over", "不低於600人=600.0人/over", "超過700人=700.0人/over", "800餘人=800.0人/over",
                "約900人=900.0人/about", "大概1000人=1000.0人/about", "1100人左右=1100.0人/about",
                "大約1200人=1200.0人/about", "不少于1300人=1300.0人/over", "將近1400人=1400.0人/nearly",
            ])
    }
}

/// Figures and periods of one answer.
private func extractBriefingFacts(_ sentence: String) -> (Briefing, [String]) {
    let (b, full) = extractBriefing("2016年9月1日情况通报会\n发言人：\(sentence)\n")
    expectSpansHold(b, in: full)
    return (b, b.figures.map { "\($0.text)=\($0.value)\($0.unit ?? "")/\($0.approx.rawValue)" })
}

extension String {
    fileprivate var trimmingSpaces: String { String(filter { $0 != " " }) }
}
