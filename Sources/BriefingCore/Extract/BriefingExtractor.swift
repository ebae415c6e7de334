// Normalized text → the `briefing` object: speakers, turns, exchanges, points and facts.
// The text is turned into an array of scalars once; every scanner walks it by hand (no Regex),
// and every span is a pair of indices into that array.

/// What the extractor knows besides the text.
public struct ExtractionContext: Sendable, Equatable {
    /// A title the input format carried (HTML `<title>`), preferred over guessing from the text.
    public var titleHint: String?
    /// Date of ingestion (UTC): the fallback reference year, and the latest date a period may end.
    public var ingestionDate: CivilDate

    public init(titleHint: String? = nil, ingestionDate: CivilDate) {
        self.titleHint = titleHint
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
        var b = Briefing(
            title: context.titleHint ?? Title.find(t, frontMatter: layout.frontMatter),
            speakers: layout.speakers,
            turns: layout.turns, exchanges: layout.exchanges)
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
        // The date the text states before the first turn, else the first time stamp of a live text.
        let briefingDate =
            statedDate(rawPeriods, in: layout.frontMatter, ingestion: context.ingestionDate)
            ?? statedDate(rawPeriods, in: layout.backMatter, ingestion: context.ingestionDate)
            ?? layout.firstTimestamp.flatMap { Periods.isoDate(t, at: $0.lowerBound, allowTime: true) }.map {
                Periods.date(
                    $0.0, first: true, reference: context.ingestionDate.year,
                    thisYear: context.ingestionDate.year)
            }
        b.date = briefingDate?.iso
        let year = Periods.referenceYear(
            rawPeriods, briefingDate: briefingDate, ingestion: context.ingestionDate)
        b.referenceYear = year
        let periods = Periods.resolve(
            t, rawPeriods, referenceYear: year, briefingDate: briefingDate, ingestion: context.ingestionDate)
        b.periods = periods.map {
            Period(
                turn: turnOf[$0.range.lowerBound], text: t.string($0.range), start: $0.start?.iso,
                end: $0.end?.iso, span: span($0.range))
        }

        let excluded = merge(named.excluded, rawPeriods.map(\.range))
        var figures = Figures.scan(t, candidates, excluded: excluded)
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
        b.changes.sort { $0.span[0] < $1.span[0] }
        b.figures = figures.map {
            Figure(
                turn: turnOf[$0.range.lowerBound], text: t.string($0.range), value: $0.value.double,
                unit: $0.unit,
                approx: $0.approx, subject: $0.subject, span: span($0.range))
        }

        // Points within each turn; a text without turns (a statement) is one block.
        let blocks: [(Int?, Range<Int>)] =
            layout.turns.isEmpty
            ? [(nil, 0..<t.count)] : layout.turns.map { ($0.index, $0.span[0]..<$0.span[1]) }
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

    @inline(__always) static func span(_ r: Range<Int>) -> Span { [r.lowerBound, r.upperBound] }

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
        starts = turns.map { $0.span[0] }
        ends = turns.map { $0.span[1] }
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
