// Normalized text → the `briefing` object: speakers, turns, exchanges, points and facts.
// The text is turned into an array of scalars once; every scanner walks it by hand (no Regex),
// and every span is a pair of indices into that array.

/// What the extractor knows besides the text: what the input format carried and where the input
/// came from. The briefing's date is taken from the first of these that states one: the title, the
/// page's publish time, the text above the body, the URL, the feed item, HTTP `Last-Modified`.
public struct ExtractionContext: Sendable, Equatable {
    /// A title the input format carried (HTML heading or `<title>`), preferred over guessing from the text.
    public var titleHint: String?
    /// The publish time the input carries outside its text, as written: an HTML page's
    /// `<meta name="PubDate">` or `article:published_time`, Markdown front matter's `date:`.
    public var publishedHint: String?
    /// The URL the input was fetched from (after redirects), which may hold a date in its path.
    public var url: String?
    /// The date of the feed item that linked the input.
    public var feedItemDate: CivilDate?
    /// HTTP `Last-Modified` of the fetched input, as sent.
    public var lastModified: String?
    /// Date of ingestion (UTC): the fallback reference year, and the latest date a period may end.
    public var ingestionDate: CivilDate

    public init(
        titleHint: String? = nil, publishedHint: String? = nil, url: String? = nil,
        feedItemDate: CivilDate? = nil, lastModified: String? = nil, ingestionDate: CivilDate
    ) {
        self.titleHint = titleHint
        self.publishedHint = publishedHint
        self.url = url
        self.feedItemDate = feedItemDate
        self.lastModified = lastModified
        self.ingestionDate = ingestionDate
    }
}

/// Finds the structure (speakers, turns, exchanges, points) and the facts (figures, changes,
/// periods, named things) of a briefing transcript.
public enum BriefingExtractor {
    /// Extracts the `briefing` object from normalized text.
    ///
    /// - Parameters:
    ///   - text: the normalized text; every span in the result counts Unicode scalars of it.
    ///   - context: the title carried by the input format, and the date of ingestion.
    /// - Returns: the briefing; what the text does not state is nil or empty.
    public static func extract(_ text: String, context: ExtractionContext) -> Briefing {
        let t = ScalarText(text)
        let layout = TurnBuilder.build(t)
        let title = context.titleHint ?? Title.find(t, frontMatter: layout.frontMatter)
        var b = Briefing(
            title: title, speakers: layout.speakers, turns: layout.turns, exchanges: layout.exchanges)
        let turnOf = TurnLocator(layout.turns)

        // Quotes first: they are names, and what they hold is neither a figure nor a period.
        let candidates = Candidates(t)
        let named = NamedItems.scan(t, candidates)
        b.named = named.named.map {
            Named(
                kind: $0.kind, turn: turnOf[$0.range.lowerBound], text: t.string($0.range),
                span: span($0.range))
        }

        let rawPeriods = Periods.scan(t, candidates, excluded: named.excluded)
        let dated = briefingDate(t, title: title, layout: layout, rawPeriods, context: context)
        let briefingDate = dated?.date
        b.date = briefingDate?.iso
        b.dateSource = dated?.source
        let headline = layout.frontMatter.first.flatMap { p in
            title.map { t.string(p).contains($0) } ?? false ? p : nil
        }
        let (year, yearSource) = Periods.referenceYear(
            t, rawPeriods, briefingDate: briefingDate, headline: headline, ingestion: context.ingestionDate)
        b.referenceYear = year
        b.referenceYearSource = yearSource
        let periods = Periods.resolve(
            t, rawPeriods, referenceYear: year, briefingDate: briefingDate, ingestion: context.ingestionDate)
        b.periods = zip(periods, rawPeriods).map { p, raw in
            guard case .yearsBack(let n) = raw.shape else {
                return Period(
                    turn: turnOf[p.range.lowerBound], text: t.string(p.range), start: p.start?.iso,
                    end: p.end?.iso, span: span(p.range))
            }
            // `三年来`, `将近19年来`: also a length of time, with the qualifier before it.
            var range = p.range
            var approx = Figure.Approx.exact
            if let q = Lexicons.qualifiers.match(t, endingAt: range.lowerBound),
                q.flags & LexiconTag.before != 0
            {
                range = range.lowerBound - q.word.count..<range.upperBound
                // `近5年来` is the last five years; `将近19年来` nearly nineteen.
                approx = q.text == "近" ? .exact : Figures.approxValue(q)
            }
            return Period(
                turn: turnOf[range.lowerBound], text: t.string(range), start: p.start?.iso, end: p.end?.iso,
                span: span(range), duration: "P\(n)Y", approx: approx)
        }

        let excluded = merge(named.excluded, rawPeriods.map(\.range))
        var figures = Figures.scan(t, candidates, excluded: excluded)
        // Lengths of time (`不得低于90天`, `将近19年`) are periods, not figures.
        if figures.contains(where: { $0.unitFlags & LexiconTag.duration != 0 }) {
            for d in figures where d.unitFlags & LexiconTag.duration != 0 {
                b.periods.append(
                    duration(d, t, turn: turnOf[d.range.lowerBound], from: briefingDate, year: year))
            }
            figures.removeAll { $0.unitFlags & LexiconTag.duration != 0 }
            b.periods.sort { $0.span.start < $1.span.start }
        }
        let changes = Changes.scan(t, figures: figures)
        let inChange = Set(changes.map(\.figureIndex))
        for (change, k) in changes {
            // The qualified figure: the last one before the change in its sentence, outside changes.
            let target = qualified(
                t, figures, inChange: inChange, before: change.range.lowerBound, from: k - 1)
            if let target {
                figures[k].subject = figures[target].subject
            } else {
                // `规模以上工业增加值同比增长6.8%`: what changed is named before the change.
                figures[k].subject = Figures.subject(t, of: change.range, after: 0)
            }
            let f = figures[k]
            let isPercent = f.unit == "%"
            b.changes.append(
                Change(
                    turn: turnOf[change.range.lowerBound], text: t.string(change.range),
                    direction: change.direction,
                    basis: change.basis, percent: isPercent ? f.value.double : nil,
                    amount: isPercent ? nil : f.value.double,
                    unit: isPercent ? nil : f.unit, figure: target, span: span(change.range)))
        }
        var next = 0
        for flat in Changes.flats(t) {
            // The figure that did not change: the last one before it in its sentence.
            while next < figures.count, figures[next].range.lowerBound < flat.range.lowerBound { next += 1 }
            let target = qualified(
                t, figures, inChange: inChange, before: flat.range.lowerBound, from: next - 1)
            b.changes.append(
                Change(
                    turn: turnOf[flat.range.lowerBound], text: t.string(flat.range), direction: .flat,
                    basis: flat.basis,
                    figure: target, span: span(flat.range)))
        }
        b.changes.sort { $0.span.start < $1.span.start }
        b.figures = figures.map {
            Figure(
                turn: turnOf[$0.range.lowerBound], text: t.string($0.range), value: $0.value.double,
                unit: $0.unit,
                approx: $0.approx, subject: $0.subject, span: span($0.range), ratioTo: $0.ratioTo?.double)
        }

        // Points within each turn; a text without turns (a statement) is one block.
        let blocks: [(Int?, Range<Int>)] =
            layout.turns.isEmpty
            ? [(nil, 0..<t.count)] : layout.turns.map { ($0.index, $0.span.range) }
        for (turn, range) in blocks {
            for p in Points.scan(t, in: range, candidates) {
                b.points.append(
                    Point(
                        turn: turn, marker: t.string(p.marker), level: p.level, text: t.string(p.text),
                        span: span(p.text)))
            }
        }
        return b
    }

    @inline(__always) static func span(_ r: Range<Int>) -> Span { Span(r) }

    static func crossesSentence(_ t: ScalarText, _ r: Range<Int>) -> Bool {
        r.contains { Scalars.endsSentence(t[$0]) }
    }

    /// How far back a change looks for the figure it qualifies.
    static let qualifiedReach = 200

    /// The last figure (searching back from index `k`) that ends before `position` in the same
    /// sentence, not further than `qualifiedReach`, and is not itself part of a change.
    static func qualified(
        _ t: ScalarText, _ figures: [RawFigure], inChange: Set<Int>, before position: Int, from k: Int
    ) -> Int? {
        var j = k
        while j >= 0 {
            let end = figures[j].range.upperBound
            if end <= position {
                if position - end > qualifiedReach { return nil }
                if !inChange.contains(j) { return crossesSentence(t, end..<position) ? nil : j }
            }
            j -= 1
        }
        return nil
    }

    /// When the briefing was held, and where that was read: the title (or headline), the page's
    /// publish time, the text above the body (a date line, a dateline in the lead), a press
    /// release's closing date or a live text's first time stamp, the URL path, the feed item, HTTP
    /// `Last-Modified`. A date after ingestion is no briefing's date.
    static func briefingDate(
        _ t: ScalarText, title: String?, layout: TurnLayout, _ raw: [RawPeriod], context: ExtractionContext
    ) -> (date: CivilDate, source: Briefing.DateSource)? {
        let ingestion = context.ingestionDate
        func valid(_ d: CivilDate?) -> CivilDate? { d.flatMap { $0.isValid && $0 <= ingestion ? $0 : nil } }
        if let d = valid(title.flatMap(DateText.firstDate(in:))) { return (d, .title) }
        if let d = valid(context.publishedHint.flatMap(DateText.firstDate(in:))) { return (d, .meta) }
        let inText =
            statedDate(raw, in: layout.frontMatter, ingestion: ingestion)
            ?? layout.frontMatter.prefix(frontMatterLines).lazy.compactMap {
                valid(
                    DateText.firstDate(in: t.string($0.lowerBound..<min($0.upperBound, $0.lowerBound + 200))))
            }.first
            ?? statedDate(raw, in: layout.backMatter, ingestion: ingestion)
            ?? layout.firstTimestamp.flatMap { Periods.isoDate(t, at: $0.lowerBound, allowTime: true) }.map {
                Periods.date($0.0, first: true, reference: ingestion.year, thisYear: ingestion.year)
            }
        if let d = valid(inText) { return (d, .text) }
        if let d = valid(context.url.flatMap(DateText.dateInURLPath)) { return (d, .url) }
        if let d = valid(context.feedItemDate) { return (d, .feed) }
        if let d = valid(context.lastModified.flatMap(DateText.httpDate)) { return (d, .http) }
        return nil
    }

    /// Front matter lines searched for a publish-time line (`发布时间：2022-08-02 20:40`).
    static let frontMatterLines = 6

    /// A length of time as a period: `P90D`, `P19Y`; `110多年前` also ends that long before the
    /// briefing (its date, else the reference year).
    static func duration(_ d: RawFigure, _ t: ScalarText, turn: Int?, from date: CivilDate?, year: Int)
        -> Period
    {
        let unit = d.unit ?? ""
        var iso = "P"
        var value = d.value
        var approx = d.approx
        var designator: String
        switch unit {
        case "年":
            designator = "Y"
            if d.approx == .nearly, t.at(d.range.lowerBound) == "近" {
                // `近3年`: the last three years, not nearly three.
                approx = .exact
            }
            if value.exponent < 0 {
                // `一年半`, `1.5年`: whole months.
                let months = value.double * 12
                if months.rounded() == months {
                    value = DecimalValue(mantissa: Int(months), exponent: 0)
                    designator = "M"
                }
            }
        case "个月", "個月": designator = "M"
        case "周", "週", "星期", "个星期", "個星期": designator = "W"
        case "天": designator = "D"
        case "小时", "小時": designator = "H"
        case "分钟", "分鐘": designator = "M"
        default: designator = "S"
        }
        if unit.hasPrefix("小") || unit.hasPrefix("分") || unit == "秒" { iso += "T" }
        let number = value.double
        iso += number.rounded() == number ? String(Int(number)) : String(number)
        iso += designator
        var start: String? = nil
        var end: String? = nil
        if d.ago, unit == "年", d.value.exponent == 0 {
            // `110多年前`: in the year that long ago, or (more than that) by its end.
            let y = (date?.year ?? year) - d.value.mantissa
            end = CivilDate(year: y, month: 12, day: 31).iso
            if d.approx == .exact { start = CivilDate(year: y, month: 1, day: 1).iso }
        }
        return Period(
            turn: turn, text: t.string(d.range), start: start, end: end, span: span(d.range), duration: iso,
            approx: approx)
    }

    /// The first full date (year, month and day) in the front matter (or the back matter of a
    /// press release): when the briefing was held.
    static func statedDate(_ raw: [RawPeriod], in matter: [Range<Int>], ingestion: CivilDate) -> CivilDate? {
        guard let first = matter.first, let last = matter.last else { return nil }
        for p in raw where p.range.lowerBound >= first.lowerBound && p.range.lowerBound < last.upperBound {
            if case .range(let a, let b) = p.shape, a == b, case .explicit(let y) = a.year, let m = a.month,
                let d = a.day
            {
                let date = CivilDate(year: y, month: m, day: d)
                if date.isValid, date <= ingestion { return date }
            }
        }
        return nil
    }

    /// Sorted union of two sorted lists of ranges.
    static func merge(_ a: [Range<Int>], _ b: [Range<Int>]) -> [Range<Int>] {
        (a + b).sorted { $0.lowerBound < $1.lowerBound }
    }
}

/// Which turn a text position belongs to (binary search over the turns' spans).
struct TurnLocator {
    let starts: [Int]
    let ends: [Int]

    init(_ turns: [Turn]) {
        starts = turns.map(\.span.start)
        ends = turns.map(\.span.end)
    }

    subscript(position: Int) -> Int? {
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= position { lo = mid + 1 } else { hi = mid }
        }
        let k = lo - 1
        return k >= 0 && position < ends[k] ? k : nil
    }
}
