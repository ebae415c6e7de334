// Dates and periods (`2023年6月25日至8月31日`, `1至8月`, `今年以来`, `三年来`, `上年同期`, `截至目前`),
// resolved to ISO dates with the briefing's reference year and never ending after ingestion.

/// A year as written: stated (`2023年`), relative (`今年`, `去年`) or left out (`6月26日`).
enum YearRef: Equatable {
    case explicit(Int)
    case relative(Int)
    case implicit
}

/// A date as written, possibly without year, month or day.
struct DatePoint: Equatable {
    var year: YearRef = .implicit
    var month: Int? = nil
    var day: Int? = nil
    /// `6月底`: the last day of the month.
    var monthEnd = false
}

/// What a period expression means before the reference year is applied.
enum PeriodShape: Equatable {
    case range(DatePoint, DatePoint)
    case since(DatePoint)
    case until(DatePoint?)
    /// `三年来`: this year and the years before it, open end.
    case yearsBack(Int)
    /// `近年来`: recent years, no stated bound.
    case vague
    /// `上年同期`: the period just named, a year earlier.
    case sameLastYear
}

struct RawPeriod {
    var range: Range<Int>
    var shape: PeriodShape
}

enum Periods {
    static let separators: Set<Unicode.Scalar> = ["至", "到", "—", "–", "-", "~", "～", "－"]

    // MARK: Scanning

    /// Every period expression outside `excluded` ranges (quotes), in text order.
    static func scan(_ t: ScalarText, _ candidates: Candidates, excluded: [Range<Int>]) -> [RawPeriod] {
        var out: [RawPeriod] = []
        var i = 0
        var ex = 0
        var next = 0
        while next < candidates.positions.count {
            let at = candidates.positions[next]
            let flags = candidates.flags[next]
            next += 1
            guard at >= i, flags & CharClass.periodStart != 0 else { continue }
            i = at
            while ex < excluded.count, excluded[ex].upperBound <= i { ex += 1 }
            if ex < excluded.count, excluded[ex].contains(i) {
                i = excluded[ex].upperBound
                continue
            }
            if let (shape, end) = parse(t, at: i) {
                out.append(RawPeriod(range: i..<end, shape: shape))
                i = end
            } else {
                i += 1
            }
        }
        return out
    }

    private static func word(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }
    static let sinceWords = [word("以来"), word("以來")]
    static let untilWords = [word("截止到"), word("截至到"), word("截至"), word("截止")]  // longest first
    static let nowWords = [
        word("目前"), word("当前"), word("當前"), word("现在"), word("現在"), word("今天"), word("今日"),
    ]
    static let lastYearSame = [word("上年同期"), word("去年同期")]
    static let recentYears = [word("近年来"), word("近年來"), word("近些年来"), word("近几年来"), word("近幾年來")]
    static let yearsAgoWords = [word("年来"), word("年來"), word("年以来"), word("年以來")]

    /// A cheap look at the next few scalars: most `一`, `上`, `前` in running text start no period.
    @inline(__always) static func mayStart(_ t: ScalarText, at i: Int, _ c: Unicode.Scalar) -> Bool {
        let d = t.at(i + 1)
        switch c {
        case "今", "本", "去", "明": return d == "年"
        case "上": return d == "年" || d == "半"
        case "下": return d == "半"
        case "近": return d == "年" || d == "些" || d == "几" || d == "幾" || d == "三" || Scalars.isDigit(d)
        case "截": return d == "至" || d == "止"
        case "前", "第": return true
        default:
            if Scalars.isDigit(c) { return true }
            // A Chinese numeral: a date word must follow within a few scalars (`十二月`, `三年来`,
            // `二〇二三年`, `一季度`, `一至八月`).
            for k in i + 1...i + 5 {
                switch t.at(k) {
                case "年", "月", "季", "至", "到", "—", "-": return true
                default: continue
                }
            }
            return false
        }
    }

    /// A period expression starting at `i`, with its end.
    static func parse(_ t: ScalarText, at i: Int) -> (PeriodShape, Int)? {
        let c = t[i]
        guard mayStart(t, at: i, c) else { return nil }
        let prev = t.at(i - 1)
        // Codes and names (`北疆-2022`, `G20`, `1·3·5分钟`) are not dates.
        if Scalars.isDigit(prev) || Scalars.isASCIILetter(prev) || prev == "-" || prev == "·" || prev == "."
            || prev == "第"
        {
            return nil
        }
        if c == "上" || c == "去", let w = lastYearSame.first(where: { t.matches($0, at: i) }) {
            return (.sameLastYear, i + w.count)
        }
        if c == "近", let w = recentYears.first(where: { t.matches($0, at: i) }) {
            return (.vague, i + w.count)
        }
        if c == "截", let w = untilWords.first(where: { t.matches($0, at: i) }) {
            var j = i + w.count
            if let now = nowWords.first(where: { t.matches($0, at: j) }) {
                return (.until(nil), j + now.count)
            }
            if let (point, end) = point(t, at: j), point.month != nil || point.year != .implicit {
                j = end
                return (.until(point), j)
            }
            return nil
        }
        // `三年来`, `3年来`.
        if let (count, numEnd) = smallNumber(t, at: i), t.at(numEnd) == "年",
            let w = yearsAgoWords.first(where: { t.matches($0, at: numEnd) }), count >= 1, count <= 50
        {
            return (.yearsBack(count), numEnd + w.count)
        }
        let (year, yEnd) = yearWord(t, at: i) ?? (.implicit, i)
        if let found = partOfYear(t, at: yEnd, year: year) { return found }
        if let found = bareMonthRange(t, at: yEnd, year: year) { return found }
        guard let (first, firstEnd) = point(t, at: i) else { return nil }
        var j = firstEnd
        if t.at(j) == "份" { j += 1 }
        // `4月中旬`: a third of the month.
        if first.month != nil, first.day == nil, !first.monthEnd, t.at(j + 1) == "旬" {
            let days: (Int, Int)? =
                switch t.at(j) {
                case "上": (1, 10)
                case "中": (11, 20)
                case "下": (21, 31)
                default: nil
                }
            if let days {
                var a = first
                var b = first
                a.day = days.0
                b.day = days.1
                return (.range(a, b), j + 2)
            }
        }
        if let w = sinceWords.first(where: { t.matches($0, at: j) }) { return (.since(first), j + w.count) }
        // A year word alone (`今年将…`) is an adverb, not a period; `2022年` is.
        if first.month == nil, first.day == nil {
            guard case .explicit = first.year else { return nil }
        }
        var sep = j
        while sep < t.count, separators.contains(t[sep]) { sep += 1 }
        if sep > j, sep - j <= 2, let (second, end) = point(t, at: sep, inheriting: first),
            second.month != nil
        {
            var e = end
            if t.at(e) == "份" { e += 1 }
            return (.range(first, second), e)
        }
        return (.range(first, first), j)
    }

    /// `前8个月`, `上半年`, `一季度`, `第二季度`, `前三季度`, `年底`, each after an optional year word.
    static func partOfYear(_ t: ScalarText, at j: Int, year: YearRef) -> (PeriodShape, Int)? {
        func months(_ a: Int, _ b: Int, _ end: Int) -> (PeriodShape, Int) {
            (.range(DatePoint(year: year, month: a), DatePoint(year: year, month: b, monthEnd: true)), end)
        }
        let c = t.at(j)
        if c == "前", let (n, end) = smallNumber(t, at: j + 1) {
            var k = end
            if t.at(k) == "个" || t.at(k) == "個" { k += 1 }
            if t.at(k) == "月", (1...12).contains(n) { return months(1, n, k + 1) }
            if t.at(k) == "季", t.at(k + 1) == "度", (1...4).contains(n) { return months(1, 3 * n, k + 2) }
            return nil
        }
        if (c == "上" || c == "下"), t.at(j + 1) == "半", t.at(j + 2) == "年" {
            return c == "上" ? months(1, 6, j + 3) : months(7, 12, j + 3)
        }
        let q = c == "第" ? j + 1 : j
        if let (n, end) = smallNumber(t, at: q, maxDigits: 1), t.at(end) == "季", t.at(end + 1) == "度",
            (1...4).contains(n)
        {
            return months(3 * n - 2, 3 * n, end + 2)
        }
        if year != .implicit, c == "底" || c == "末" { return months(12, 12, j + 1) }
        if year != .implicit, c == "初" {
            return (
                .range(DatePoint(year: year, month: 1, day: 1), DatePoint(year: year, month: 1, day: 1)),
                j + 1
            )
        }
        return nil
    }

    /// `2023年`, `今年`, `去年`: a year word and where it ends.
    static func yearWord(_ t: ScalarText, at i: Int) -> (YearRef, Int)? {
        let c = t.at(i)
        let second = t.at(i + 1)
        if second == "年" {
            switch c {
            case "今", "本": return (.relative(0), i + 2)
            case "去", "上": return t.at(i + 2) == "同" ? nil : (.relative(-1), i + 2)
            case "前": return (.relative(-2), i + 2)
            case "明": return (.relative(1), i + 2)
            default: break
            }
        }
        if Scalars.isDigit(c), Scalars.isDigit(second), Scalars.isDigit(t.at(i + 2)),
            Scalars.isDigit(t.at(i + 3)),
            case let yearMark = spaced(t, i + 4, before: "年"), t.at(yearMark) == "年"
        {
            let y = (0..<4).reduce(0) { $0 * 10 + Scalars.digit(t[i + $1])! }
            if (1900...2100).contains(y) { return (.explicit(y), yearMark + 1) }
        }
        // `二○二四年`, `二〇二三年`: four Chinese digits written one by one.
        if t.at(i + 4) == "年", let y = chineseYear(t, at: i) { return (.explicit(y), i + 5) }
        return nil
    }

    static func chineseYear(_ t: ScalarText, at i: Int) -> Int? {
        var y = 0
        for k in i..<i + 4 {
            let c = t.at(k)
            guard let d = c == "○" || c == "O" ? 0 : ChineseNumerals.digitValue(c) else { return nil }
            y = y * 10 + d
        }
        return (1900...2100).contains(y) ? y : nil
    }

    /// A month and day after an optional year, inheriting what is left out from `base`:
    /// `6月26日`, `8月31日`, `30日`, `9月底`, `2023年6月`, `2019-03-04`.
    static func point(_ t: ScalarText, at i: Int, inheriting base: DatePoint = DatePoint()) -> (
        DatePoint, Int
    )? {
        var p = DatePoint(year: base.year)
        var j = i
        if let (y, end) = yearWord(t, at: i) {
            p.year = y
            j = end
            // `2024 年 5 月 1 日`: parts written apart, as Taiwan transcripts do.
            if t.at(j) == " ", Scalars.isDigit(t.at(j + 1)) { j += 1 }
        } else if let (iso, end) = isoDate(t, at: i) {
            return (iso, end)
        }
        if let (m, end) = smallNumber(t, at: j), case let mark = spaced(t, end, before: "月"),
            t.at(mark) == "月",
            (1...12).contains(m)
        {
            p.month = m
            j = mark + 1
            if t.at(j) == " ", Scalars.isDigit(t.at(j + 1)) { j += 1 }
            if t.at(j) == "底" || t.at(j) == "末" {
                p.monthEnd = true
                j += 1
            } else if t.at(j) == "初" {
                p.day = 1
                j += 1
            } else if let (d, dEnd) = smallNumber(t, at: j),
                case let mark = spaced(t, dEnd, before: "日", "号", "號"),
                t.at(mark) == "日" || t.at(mark) == "号" || t.at(mark) == "號",
                (1...31).contains(d)
            {
                p.day = d
                j = mark + 1
            } else if t.at(j - 1) == " " {
                j -= 1  // the space belongs to no date
            }
            return (p, j)
        }
        // `至31日`: a day of the month already named.
        if let month = base.month, let (d, dEnd) = smallNumber(t, at: j),
            t.at(dEnd) == "日" || t.at(dEnd) == "号" || t.at(dEnd) == "號", (1...31).contains(d)
        {
            p.month = month
            p.day = d
            return (p, dEnd + 1)
        }
        return j > i ? (p, j) : nil
    }

    /// `2019-03-04` (also with `/` or `.`), not followed by a time of day.
    static func isoDate(_ t: ScalarText, at i: Int, allowTime: Bool = false) -> (DatePoint, Int)? {
        guard let (y, yEnd) = smallNumber(t, at: i, maxDigits: 4), yEnd == i + 4, (1900...2100).contains(y)
        else {
            return nil
        }
        let sep = t.at(yEnd)
        guard sep == "-" || sep == "/" || sep == ".", let (m, mEnd) = smallNumber(t, at: yEnd + 1),
            t.at(mEnd) == sep,
            let (d, dEnd) = smallNumber(t, at: mEnd + 1), (1...12).contains(m), (1...31).contains(d),
            !Scalars.isDigit(t.at(dEnd))
        else { return nil }
        // A time stamp (`2019-03-04 10:15:30`) marks a live-text block, not a period.
        var k = dEnd
        while t.at(k) == " " || t.at(k) == "T" { k += 1 }
        if !allowTime, k > dEnd, Scalars.isDigit(t.at(k)), t.at(k + 1) == ":" || t.at(k + 2) == ":" {
            return nil
        }
        return (DatePoint(year: .explicit(y), month: m, day: d), dEnd)
    }

    static func bareMonthRange(_ t: ScalarText, at i: Int, year: YearRef) -> (PeriodShape, Int)? {
        guard let (a, end) = smallNumber(t, at: i), separators.contains(t.at(end)) else { return nil }
        var k = end
        while separators.contains(t.at(k)) { k += 1 }
        guard k - end <= 2, let (b, e2) = smallNumber(t, at: k), t.at(e2) == "月", (1...12).contains(a),
            (1...12).contains(b),
            a < b
        else { return nil }
        var e = e2 + 1
        if t.at(e) == "份" { e += 1 }
        return (.range(DatePoint(year: year, month: a), DatePoint(year: year, month: b, monthEnd: true)), e)
    }

    /// A small Arabic (`8`, `０８`) or Chinese (`八`, `十二`) number at `i`.
    /// `k + 1` when a space at `k` stands before one of `marks` (`5 月`), else `k`.
    @inline(__always) static func spaced(_ t: ScalarText, _ k: Int, before marks: Unicode.Scalar...) -> Int {
        t.at(k) == " " && marks.contains(t.at(k + 1)) ? k + 1 : k
    }

    static func smallNumber(_ t: ScalarText, at i: Int, maxDigits: Int = 2) -> (Int, Int)? {
        var j = i
        var v = 0
        while j < t.count, j - i < maxDigits, let d = Scalars.digit(t[j]) {
            v = v * 10 + d
            j += 1
        }
        if j > i { return Scalars.isDigit(t.at(j)) ? nil : (v, j) }
        while j < t.count, j - i < 3, ChineseNumerals.isNumeral(t[j]), t[j] != "百", t[j] != "千", t[j] != "万" {
            j += 1
        }
        guard j > i, let value = ChineseNumerals.value(t, i..<j) else { return nil }
        return (value, j)
    }

    // MARK: Resolution

    /// The year that dates without one belong to: the briefing's own date, else the latest year
    /// the text states (not after ingestion), else the year of ingestion.
    /// The year that resolves dates without one, and why. The text's years count only where it
    /// speaks of the year as the current one (`2023年以来`, `截至2023年8月`, `今年…2023年`) or
    /// names it in its headline (`2023年国民经济运行情况新闻发布会`), never for being mentioned: a
    /// briefing cites history (1988, 1997) freely. With a dated briefing only its own year or the
    /// one before count: a January briefing on 2023 speaks of 2023's `一季度`.
    static func referenceYear(
        _ t: ScalarText, _ raw: [RawPeriod], briefingDate: CivilDate?, headline: Range<Int>?,
        ingestion: CivilDate
    ) -> (Int, Briefing.ReferenceYearSource) {
        let latest = briefingDate?.year ?? ingestion.year
        let earliest = briefingDate.map { $0.year - 1 } ?? Int.min
        var best: Int? = nil
        for p in raw {
            let inHeadline = headline.map { $0.contains(p.range.lowerBound) } ?? false
            if let briefingDate, case .range(let a, let b) = p.shape, a == b, a.day != nil,
                date(a, first: true, reference: 0, thisYear: 0) == briefingDate
            {
                continue  // the briefing's own date line
            }
            let current: DatePoint?
            switch p.shape {
            case .since(let a): current = a
            case .until(let a): current = a
            case .range(let a, _):
                current = inHeadline || saysThisYear(t, before: p.range.lowerBound) ? a : nil
            default: current = nil
            }
            if let current, case .explicit(let y) = current.year, y <= latest, y >= earliest {
                best = max(best ?? y, y)
            }
        }
        if let briefingDate {
            return best.map { $0 == briefingDate.year ? ($0, .date) : ($0, .text) } ?? (
                briefingDate.year, .date
            )
        }
        return best.map { ($0, .text) } ?? (ingestion.year, .ingested)
    }

    private static let thisYearWords: [[Unicode.Scalar]] = ["今年", "本年"].map { Array($0.unicodeScalars) }

    /// `今年是2023年`, `今年（2023年）`: `今年` a few characters before, in the same clause.
    static func saysThisYear(_ t: ScalarText, before i: Int) -> Bool {
        var k = i
        while k >= 2, i - k <= 8 {
            if Scalars.endsSentence(t[k - 1]) || t[k - 1] == "\n" { return false }
            if thisYearWords.contains(where: { t.matches($0, endingAt: k) }) { return true }
            k -= 1
        }
        return false
    }

    private static func points(of shape: PeriodShape) -> [DatePoint] {
        switch shape {
        case .range(let a, let b): [a, b]
        case .since(let a): [a]
        case .until(let a): a.map { [$0] } ?? []
        default: []
        }
    }

    /// Resolves every raw period to ISO dates.
    static func resolve(
        _ t: ScalarText, _ raw: [RawPeriod], referenceYear: Int, briefingDate: CivilDate?,
        ingestion: CivilDate
    ) -> [(range: Range<Int>, start: CivilDate?, end: CivilDate?)] {
        // `截至目前` ends on the day of the briefing; without one, on the day of ingestion when the
        // text is of that year, else nobody can tell.
        let today = briefingDate ?? (referenceYear == ingestion.year ? ingestion : nil)
        // A date without a year is not far in the future of the briefing: `12月5日` said in January
        // is last year's (a date a few weeks ahead is a plan, and stays).
        let now = briefingDate ?? ingestion
        let horizon = CivilDate(daysSinceEpoch: now.daysSinceEpoch + 60)
        let thisYear = briefingDate?.year ?? referenceYear
        var out: [(range: Range<Int>, start: CivilDate?, end: CivilDate?)] = []
        var last: (position: Int, start: CivilDate, end: CivilDate?)? = nil
        // The last line break before the current period, found by a cursor that only moves forward.
        var lineBreak = -1
        var scanned = 0
        for p in raw {
            while scanned < p.range.lowerBound {
                if t[scanned] == "\n" { lineBreak = scanned }
                scanned += 1
            }
            var start: CivilDate? = nil
            var end: CivilDate? = nil
            switch p.shape {
            case .range(let a, let b):
                var shift = 0
                if a.year == .implicit,
                    date(a, first: true, reference: referenceYear, thisYear: thisYear) > horizon
                {
                    shift = -1
                }
                start = date(a, first: true, reference: referenceYear + shift, thisYear: thisYear)
                end = date(b, first: false, reference: referenceYear + shift, thisYear: thisYear)
            case .since(let a):
                start = date(a, first: true, reference: referenceYear, thisYear: thisYear)
            case .until(let a):
                end = a.map { date($0, first: false, reference: referenceYear, thisYear: thisYear) } ?? today
            case .yearsBack(let n):
                start = CivilDate(year: thisYear - n + 1, month: 1, day: 1)
            case .vague:
                break
            case .sameLastYear:
                // The period named before it in the same paragraph, a year earlier; else last year.
                if let last, lineBreak < last.position {
                    start = last.start.yearEarlier
                    end = (last.end ?? today)?.yearEarlier
                } else {
                    start = CivilDate(year: thisYear - 1, month: 1, day: 1)
                    end = CivilDate(year: thisYear - 1, month: 12, day: 31)
                }
            }
            if let e = end, e > ingestion { end = ingestion }
            if p.shape != .sameLastYear, let s = start { last = (p.range.upperBound, s, end) }
            out.append((p.range, start, end))
        }
        return out
    }

    /// The first (or last) day `p` names: a year left out is `reference`; `今年`, `去年` count from
    /// `thisYear`, the year of the briefing.
    static func date(_ p: DatePoint, first: Bool, reference: Int, thisYear: Int) -> CivilDate {
        let year: Int =
            switch p.year {
            case .explicit(let y): y
            case .relative(let d): thisYear + d
            case .implicit: reference
            }
        let month = p.month ?? (first ? 1 : 12)
        let last = CivilDate.daysIn(month: month, year: year)
        let day = p.day.map { min($0, last) } ?? (p.monthEnd || !first ? last : 1)
        return CivilDate(year: year, month: month, day: day)
    }
}

extension CivilDate {
    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil), the inverse of `init(daysSinceEpoch:)`.
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The same day a year earlier (29 February becomes the 28th).
    var yearEarlier: CivilDate {
        CivilDate(year: year - 1, month: month, day: min(day, CivilDate.daysIn(month: month, year: year - 1)))
    }
}
