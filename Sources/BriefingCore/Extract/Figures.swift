// Quantities: a number (Arabic or Chinese, with 万/亿 multipliers), its qualifiers (近, 余, 以上…)
// and its unit or measure word, or a percentage. List markers, fixed words, years, dates, codes
// and anything inside quotes or periods are not figures.

struct RawFigure {
    var range: Range<Int>
    var value: DecimalValue
    var unit: String?
    /// `LexiconTag` bits of the unit's lexicon entry.
    var unitFlags: UInt32 = 0
    var approx: Figure.Approx
    var subject: String?
    /// The second term of a ratio (`3：1`); the unit is then `ratio`.
    var ratioTo: DecimalValue? = nil
    /// `110多年前`: a length of time counted back from the briefing.
    var ago = false
}

enum Figures {
    static func scan(_ t: ScalarText, _ candidates: Candidates, excluded: [Range<Int>]) -> [RawFigure] {
        var out: [RawFigure] = []
        var i = 0
        var ex = 0
        var lastEnd = 0
        var next = 0
        while next < candidates.positions.count {
            let at = candidates.positions[next]
            let flags = candidates.flags[next]
            next += 1
            guard at >= i, flags & (CharClass.digit | CharClass.numeral) != 0 else { continue }
            i = at
            while ex < excluded.count, excluded[ex].upperBound <= i {
                // A subject never reaches back over a quote or a period (`今年前4个月中欧班列开行`).
                lastEnd = max(lastEnd, excluded[ex].upperBound)
                ex += 1
            }
            if ex < excluded.count, excluded[ex].contains(i) {
                i = excluded[ex].upperBound
                continue
            }
            let c = t[i]
            if Scalars.isDigit(c) {
                let (figure, next) = arabic(t, at: i)
                var resume = max(next, i + 1)
                if var f = figure {
                    f.subject = subject(t, of: f.range, after: lastEnd, unitFlags: f.unitFlags)
                    out.append(f)
                    lastEnd = f.range.upperBound
                    resume = max(resume, lastEnd)
                }
                i = resume
            } else if ChineseNumerals.isNumeral(c) {
                let (figure, next) = chinese(t, at: i)
                if var f = figure {
                    f.subject = subject(t, of: f.range, after: lastEnd, unitFlags: f.unitFlags)
                    out.append(f)
                    lastEnd = f.range.upperBound
                }
                i = max(next, i + 1)
            } else {
                i += 1
            }
        }
        return out
    }

    // MARK: Numbers

    private static func arabic(_ t: ScalarText, at i: Int) -> (RawFigure?, Int) {
        let prev = t.at(i - 1)
        guard let (number, numEnd) = ArabicNumber.parse(t, at: i) else { return (nil, i + 1) }
        // Codes, times and names: `G20`, `1·3·5分钟`, `10:15`, `北疆-2022`, `第3`.
        if Scalars.isASCIILetter(prev) || prev == "-" || prev == "·" || prev == "." || prev == "/"
            || prev == ":"
            || prev == "第" || prev == "_" || (prev == " " && t.at(i - 2) == "第") || prev == "×"
        {
            return (nil, skipCode(t, from: numEnd))
        }
        let next = t.at(numEnd)
        // `3：1`, `1∶1`, `2:1`: a ratio (but `10:30` is a time of day).
        if next == ":" || next == "：" || next == "∶", Scalars.isDigit(t.at(numEnd + 1)),
            let (second, secondEnd) = ArabicNumber.parse(t, at: numEnd + 1)
        {
            let digits = secondEnd - numEnd - 1
            let clock =
                next != "∶" && digits == 2 && number.exponent == 0 && number.mantissa <= 24
                && second.exponent == 0
            if clock || Scalars.isDigit(t.at(secondEnd)) || t.at(secondEnd) == ":" {
                return (nil, skipCode(t, from: numEnd))
            }
            guard var f = finish(t, start: i, number: number, end: numEnd, chinese: false, unitAllowed: false)
            else { return (nil, secondEnd) }
            f.unit = "ratio"
            f.ratioTo = second
            f.range = f.range.lowerBound..<secondEnd
            return (f, secondEnd)
        }
        // `问1：`: a number right before a colon labels what follows; it counts nothing.
        if next == "：" { return (nil, numEnd + 1) }
        // `7×24小时`: around the clock, not a count.
        if Scalars.isASCIILetter(next) || next == "·" || next == "•" || next == "-" || next == "/"
            || next == ":" || next == "_" || next == "×"
        {
            return (nil, skipCode(t, from: numEnd))
        }
        if next == "." && Scalars.isDigit(t.at(numEnd + 1)) { return (nil, skipCode(t, from: numEnd)) }
        // List markers: `（1）`, and `1.` `1、` `1）` opening a paragraph.
        if (prev == "（" || prev == "(") && (next == "）" || next == ")") { return (nil, numEnd + 1) }
        if prev == "\n" || prev == "\u{0}" || Scalars.isSpace(prev),
            next == "." || next == "．" || next == "、" || next == "）" || next == ")"
        {
            return (nil, numEnd + 1)
        }
        // Times of day: `11时30分`, `10點15分`, also written with spaces (`下午 2 點 30 分`).
        let before = prev == " " ? t.at(i - 2) : prev
        if before == "时" || before == "時" || before == "点" || before == "點",
            Scalars.isDigit(t.at(prev == " " ? i - 3 : i - 2)) || t.at(prev == " " ? i - 3 : i - 2) == " "
        {
            return (nil, numEnd + 1)
        }
        // Years, dates and hours left over by the period scanner, spaced or not (`5 月 1 日`).
        let unit = next == " " ? t.at(numEnd + 1) : next
        if unit == "年",
            numEnd - i == 4 || isCalendarYear(t, number: i, year: next == " " ? numEnd + 1 : numEnd)
        {
            return (nil, numEnd + 1)
        }
        let small = number.exponent == 0 && number.mantissa <= 31
        if unit == "月" || ((unit == "日" || unit == "号" || unit == "號") && small) {
            return (nil, numEnd + 1)
        }
        if next == " ", unit == "点" || unit == "點" || unit == "时" || unit == "時", small {
            return (nil, numEnd + 1)
        }
        return (finish(t, start: i, number: number, end: numEnd, chinese: false), numEnd)
    }

    /// Longest run of Chinese numeral characters read as one number (`一千二百三十四万五千六百七十八`
    /// has 15).
    static let maxNumeralRun = 24

    private static func chinese(_ t: ScalarText, at i: Int) -> (RawFigure?, Int) {
        var j = i
        while j < t.count, ChineseNumerals.isNumeral(t[j]) { j += 1 }
        // A run longer than any written number (`一一一…`) is no number; skipping it whole keeps
        // the scan linear (the checks below may resume inside the run).
        if j - i > maxNumeralRun { return (nil, j) }
        // Most numeral characters in running text (`一`, `万`) are followed by no unit, percentage
        // or qualifier: skip them before the costlier checks.
        let after = t.at(j)
        if Lexicons.measureWords.match(t, at: j) == nil, after != "余", after != "餘", after != "多",
            after != " ",
            after != "成",
            !Scalars.isPercent(after), !(t[i] == "百" && t.at(i + 1) == "分"),
            Lexicons.qualifiers.match(t, endingAt: i) == nil
        {
            return (nil, j)
        }
        // A numeral inside a fixed word (`统一`, `十分`, `一是`) is not a number.
        var k = max(0, i - 4)
        while k <= i {
            if let w = Lexicons.fixedWords.match(t, at: k), k + w.word.count > i {
                return (nil, k + w.word.count)
            }
            k += 1
        }
        if t.at(i - 1) == "第" || t.at(i - 1) == "之" { return (nil, j) }
        // `百分之十五`.
        if t[i] == "百", t.at(i + 1) == "分", t.at(i + 2) == "之" {
            var e = i + 3
            while e < t.count, ChineseNumerals.isNumeral(t[e]) { e += 1 }
            guard e > i + 3, let v = ChineseNumerals.value(t, i + 3..<e) else { return (nil, e) }
            return (
                RawFigure(
                    range: i..<e, value: DecimalValue(mantissa: v, exponent: 0), unit: "%", approx: .exact), e
            )
        }
        guard let v = ChineseNumerals.value(t, i..<j), v > 0 else { return (nil, j) }
        let before = Lexicons.qualifiers.match(t, endingAt: i)
        guard
            let f = finish(t, start: i, number: DecimalValue(mantissa: v, exponent: 0), end: j, chinese: true)
        else {
            return (nil, j)
        }
        // A Chinese numeral counts only with a unit (`两个战场`, `千余个`), or a qualifier and a power (`突破百万`);
        // `一` alone is the article "a".
        if f.unit == nil && !((before?.flags ?? 0) & LexiconTag.before != 0 && v >= 100) { return (nil, j) }
        // `一年半`, `两个月`: a length of time, even when short.
        let duration = f.unitFlags & LexiconTag.duration != 0
        if v == 1, j == i + 1, !(duration && t.at(f.range.upperBound - 1) == "半") { return (nil, j) }
        // `两个战场`, `四个方面`, `八类犯罪`: small Chinese numerals with a generic classifier name the
        // parts of a speech, not statistics; `三名嫌疑人` counts.
        if v < 10, f.unitFlags & LexiconTag.weak != 0, !duration { return (nil, j) }
        return (f, f.range.upperBound)
    }

    /// Multipliers, qualifiers and unit after the number ending at `end`.
    private static func finish(
        _ t: ScalarText, start: Int, number: DecimalValue, end: Int, chinese: Bool, unitAllowed: Bool = true
    )
        -> RawFigure?
    {
        var value = number
        var j = end
        var approx = Figure.Approx.exact
        var first = start
        // Taiwan transcripts and many pages put a space between CJK and digits (`超過 300 萬`): one
        // space is read through, as if the parts were written together.
        let qualifierEnd = t.at(start - 1) == " " && Scalars.isHan(t.at(start - 2)) ? start - 1 : start
        if let q = Lexicons.qualifiers.match(t, endingAt: qualifierEnd), q.flags & LexiconTag.before != 0 {
            first = qualifierEnd - q.word.count
            approx = approxValue(q)
        } else if lookBackForCeiling(t, from: start) {
            approx = .under
        }
        @inline(__always) func spaced(_ k: Int) -> Int { t.at(k) == " " ? k + 1 : k }
        func afterQualifier() {
            let k = spaced(j)
            if t.at(k) == "余" || t.at(k) == "餘" || t.at(k) == "多" {
                // `多` only as "more than": not before a unit-less word such as 多个.
                approx = .over
                j = k + 1
            }
        }
        afterQualifier()
        var magnitude = false
        if !chinese {
            // `500余万册`, `3万余人次`, `1095.1万元`, `800 萬人`.
            var k = spaced(j)
            var power = 0
            while let p = DecimalValue.multiplierPower(t.at(k)), p >= 2 {
                power += p
                k += 1
            }
            if power > 0, !(power == 2 && t.at(k) == "分") {
                magnitude = true
                value = value.scaled(by: power)
                j = k
                afterQualifier()
            }
        }
        var unit: String? = nil
        var unitFlags: UInt32 = 0
        // A ratio's first term takes no unit: `3：1`'s colon follows it.
        let u0 = unitAllowed ? spaced(j) : t.count
        if Scalars.isPercent(t.at(u0)) {
            unit = "%"
            j = u0 + 1
        } else if t.at(u0) == "成", tenthsFollow(t.at(u0 + 1)) {
            // `三成`, `7成以上`: tenths, stated as a percentage (but not `三成为`).
            value = value.scaled(by: 1)
            unit = "%"
            j = u0 + 1
        } else if let u = Lexicons.measureWords.match(t, at: u0) {
            unit = u.text
            unitFlags = u.flags
            j = u0 + u.word.count
        }
        if unit == nil, magnitude, u0 == j, Scalars.isHan(t.at(u0)), Scalars.isHan(t.at(u0 + 1)),
            !Scalars.isHan(t.at(u0 + 2)), Lexicons.qualifiers.match(t, at: u0) == nil,
            Lexicons.qualifiers.match(t, at: u0 + 1) == nil
        {
            // `94.7万标箱。`: after a magnitude, a two-character noun that ends the phrase is what is
            // counted, whether or not it is a known measure word.
            unit = t.string(u0..<u0 + 2)
            j = u0 + 2
        }
        var ago = false
        if unitFlags & LexiconTag.duration != 0 {
            // `一年半`: and a half.
            if t.at(j) == "半" {
                value = value.plusHalf
                j += 1
            }
            afterQualifier()
            // `110多年前`: that long before the briefing.
            if t.at(j) == "前",
                !Scalars.isHan(t.at(j + 1)) || t.at(j + 1) == "的" || t.at(j + 1) == "这" || t.at(j + 1) == "這"
            {
                ago = true
                j += 1
            }
        }
        if let q = Lexicons.qualifiers.match(t, at: spaced(j)), q.flags & LexiconTag.after != 0,
            q.word.count == 2
        {
            approx = approxValue(q)
            j = spaced(j) + q.word.count
        } else if unit != nil, t.at(j) == "多" || t.at(j) == "余" || t.at(j) == "餘", !Scalars.isHan(t.at(j + 1))
        {
            // `两周多，`: more than, written after the unit.
            approx = .over
            j += 1
        }
        if chinese && unit == nil && first == start { return nil }
        // A bare number running into a word (`不足3成为`, `2 點`) is not a stated quantity.
        if unit == nil && unitAllowed && Scalars.isHan(t.at(spaced(j))) { return nil }
        return RawFigure(
            range: first..<j, value: value, unit: unit, unitFlags: unitFlags, approx: approx, ago: ago)
    }

    /// `112 年度`, `民國112年`, `112 年 3 月`: a year of the calendar (Taiwan counts from 1912), not a
    /// length of time.
    private static func isCalendarYear(_ t: ScalarText, number i: Int, year k: Int) -> Bool {
        var after = k + 1
        if t.at(after) == "度" { return true }
        let before = t.at(i - 1) == " " ? i - 1 : i
        if (t.at(before - 1) == "國" || t.at(before - 1) == "国") && t.at(before - 2) == "民" { return true }
        if t.at(after) == " " { after += 1 }
        var digits = 0
        while Scalars.isDigit(t.at(after)), digits < 3 {
            after += 1
            digits += 1
        }
        if t.at(after) == " " { after += 1 }
        return digits > 0 && t.at(after) == "月"
    }

    @inline(__always) private static func tenthsFollow(_ c: Unicode.Scalar) -> Bool {
        !Scalars.isHan(c) || c == "以" || c == "左" || c == "多" || c == "的" || c == "上" || c == "餘" || c == "余"
    }

    static func approxValue(_ e: ScalarLexicon.Entry) -> Figure.Approx {
        if e.flags & LexiconTag.over != 0 { return .over }
        if e.flags & LexiconTag.nearly != 0 { return .nearly }
        if e.flags & LexiconTag.about != 0 { return .about }
        if e.flags & LexiconTag.under != 0 { return .under }
        return .exact
    }

    private static let ceiling: [Unicode.Scalar] = Array("最高".unicodeScalars)

    /// `最高可奖励50万元`: an upper bound a few words before the number, in the same clause.
    private static func lookBackForCeiling(_ t: ScalarText, from start: Int) -> Bool {
        var k = start
        while k > max(0, start - 6) {
            if Scalars.endsClause(t[k - 1]) { return false }
            if t.matches(ceiling, endingAt: k) { return true }
            k -= 1
        }
        return false
    }

    private static func skipCode(_ t: ScalarText, from i: Int) -> Int {
        var j = i
        while j < t.count,
            Scalars.isDigit(t[j]) || Scalars.isASCIILetter(t[j]) || t[j] == "." || t[j] == "·" || t[j] == "-"
                || t[j] == "/" || t[j] == ":" || t[j] == "_" || t[j] == "•"
        {
            j += 1
        }
        return j
    }

    // MARK: Subject

    static let maxSubject = 24

    @inline(__always) static func isStop(_ t: ScalarText, at i: Int) -> Bool {
        (Lexicons.subjectWords.match(t, at: i)?.flags ?? 0) & LexiconTag.stop != 0
    }

    /// The phrase the figure counts: before it in its clause (`破获刑事案件399起`), or right after it
    /// when a noun follows the measure word (`10个部门`).
    /// `unitFlags`: the `LexiconTag` bits of the figure's unit (`count` allows a noun after it).
    static func subject(_ t: ScalarText, of r: Range<Int>, after floor: Int, unitFlags: UInt32 = 0) -> String?
    {
        let words = Lexicons.subjectWords
        let next = t.at(r.upperBound)
        // A rate (`破案率达到100%`) is named before it; a count may name its noun after (`10个部门`).
        if unitFlags & LexiconTag.count != 0, Scalars.isHan(next), !isStop(t, at: r.upperBound) {
            var e = r.upperBound
            while e < t.count, e - r.upperBound < maxSubject, Scalars.isHan(t[e]),
                !isStop(t, at: e)
            {
                e += 1
            }
            if e - r.upperBound >= 2 { return t.string(r.upperBound..<e) }
        }
        var s = r.lowerBound
        let reach = max(floor, r.lowerBound - 3 * maxSubject)
        while s > reach, !Scalars.endsClause(t[s - 1]) || t[s - 1] == "、" { s -= 1 }
        var e = r.lowerBound
        var changed = true
        while changed {
            changed = false
            if let w = words.match(t, at: s, limit: e), w.flags & LexiconTag.lead != 0 {
                s += w.word.count
                changed = true
            }
            if let w = words.match(t, endingAt: e, floor: s), w.flags & LexiconTag.trail != 0 {
                e -= w.word.count
                changed = true
            }
        }
        // `全区公安机关已打掉传统涉黑组织`: the agent before `已`, `累计`, `先后` is not what is counted.
        var k = e - 2
        while k > s {
            if let w = words.match(t, endingAt: k, floor: s), w.flags & LexiconTag.agentEnd != 0 {
                s = k
                break
            }
            k -= 1
        }
        // `在校园周边设立警务室或治安岗亭`: what was set up, not where.
        if t.at(s) == "在" || t.at(s) == "于" {
            var k = e
            while k > s {
                if let w = words.match(t, endingAt: k, floor: s), w.flags & LexiconTag.place != 0 {
                    s = k
                    break
                }
                k -= 1
            }
        }
        if e - s > maxSubject {
            // A long clause: keep what follows its last `共` or `、`, which names the counted thing.
            var k = e - 1
            while k > s, t[k] != "共", t[k] != "、" { k -= 1 }
            if k > s { s = k + 1 }
        }
        // `成長率達 6.5 %`: the space before a spaced number is no part of the subject.
        while e > s, Scalars.isSpace(t[e - 1]) { e -= 1 }
        while s < e, Scalars.isSpace(t[s]) { s += 1 }
        guard e - s >= 2, e - s <= maxSubject else { return nil }
        return t.string(s..<e)
    }
}
