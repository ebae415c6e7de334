// The `briefing` object of the snapshot: structure and facts, every span pointing into `text`.

/// `[start, end)` in Unicode scalars (code points) of the snapshot's `text`, encoded as the JSON
/// array `[start, end]`.
public struct Span: Codable, Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public init(_ range: Range<Int>) { self.init(start: range.lowerBound, end: range.upperBound) }

    /// `[start, end]`, as the JSON writes it.
    public init(arrayLiteral elements: Int...) {
        precondition(elements.count == 2, "a span is [start, end]")
        self.init(start: elements[0], end: elements[1])
    }

    public var range: Range<Int> { start..<end }
    public var description: String { "[\(start), \(end)]" }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        let start = try c.decode(Int.self)
        let end = try c.decode(Int.self)
        guard start <= end, c.isAtEnd else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "a span is [start, end] with start <= end")
        }
        self.init(start: start, end: end)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(start)
        try c.encode(end)
    }
}

public struct Briefing: Codable, Sendable, Equatable {
    public var title: String?
    /// ISO date (`YYYY-MM-DD`) of the briefing when the text states it.
    public var date: String?
    /// Where `date` came from, nil when nothing states it.
    public var dateSource: DateSource?
    /// Year used to resolve dates that omit it.
    public var referenceYear: Int?
    /// Why `referenceYear` is that year.
    public var referenceYearSource: ReferenceYearSource?
    public var speakers: [Speaker]
    public var turns: [Turn]
    public var exchanges: [Exchange]
    public var points: [Point]
    public var figures: [Figure]
    public var changes: [Change]
    public var periods: [Period]
    public var named: [Named]

    /// Where the briefing's date was read.
    public enum DateSource: String, Codable, Sendable {
        /// The title or headline (`2022年8月2日…`).
        case title
        /// The page's publish time (`<meta name="PubDate">`, `article:published_time`, front matter).
        case meta
        /// A date line or dateline in the text above the body (or a press release's closing date).
        case text
        /// The path of the URL (`/202208/t20220802_…`).
        case url
        /// The polled feed item's date.
        case feed
        /// The HTTP `Last-Modified` of the fetched page.
        case http
    }

    /// Why the reference year is what it is.
    public enum ReferenceYearSource: String, Codable, Sendable {
        /// The briefing's date.
        case date
        /// The text speaks of that year as the current one (`2023年以来`, `截至2023年8月`).
        case text
        /// Nothing better: the year of ingestion.
        case ingested
    }

    public init(
        title: String? = nil, date: String? = nil, dateSource: DateSource? = nil, referenceYear: Int? = nil,
        referenceYearSource: ReferenceYearSource? = nil, speakers: [Speaker] = [],
        turns: [Turn] = [], exchanges: [Exchange] = [], points: [Point] = [], figures: [Figure] = [],
        changes: [Change] = [], periods: [Period] = [], named: [Named] = []
    ) {
        self.title = title
        self.date = date
        self.dateSource = dateSource
        self.referenceYear = referenceYear
        self.referenceYearSource = referenceYearSource
        self.speakers = speakers
        self.turns = turns
        self.exchanges = exchanges
        self.points = points
        self.figures = figures
        self.changes = changes
        self.periods = periods
        self.named = named
    }

    enum CodingKeys: String, CodingKey {
        case title, date, speakers, turns, exchanges, points, figures, changes, periods, named
        case dateSource = "date_source"
        case referenceYear = "reference_year"
        case referenceYearSource = "reference_year_source"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // title, date, reference_year and their sources are `null`, never absent
        try c.encode(title, forKey: .title)
        try c.encode(date, forKey: .date)
        try c.encode(dateSource, forKey: .dateSource)
        try c.encode(referenceYear, forKey: .referenceYear)
        try c.encode(referenceYearSource, forKey: .referenceYearSource)
        try c.encode(speakers, forKey: .speakers)
        try c.encode(turns, forKey: .turns)
        try c.encode(exchanges, forKey: .exchanges)
        try c.encode(points, forKey: .points)
        try c.encode(figures, forKey: .figures)
        try c.encode(changes, forKey: .changes)
        try c.encode(periods, forKey: .periods)
        try c.encode(named, forKey: .named)
    }
}

public struct Speaker: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable { case reporter, official, host, unknown }

    /// `s1`, `s2`, … in order of first appearance.
    public var id: String
    public var role: Role
    /// The label as written, without the colon.
    public var label: String
    public var outlet: String?
    public var organization: String?
    public var title: String?
    public var name: String?

    public init(
        id: String, role: Role, label: String, outlet: String? = nil, organization: String? = nil,
        title: String? = nil, name: String? = nil
    ) {
        self.id = id
        self.role = role
        self.label = label
        self.outlet = outlet
        self.organization = organization
        self.title = title
        self.name = name
    }
}

public struct Turn: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case question, answer, remark }

    public var index: Int
    /// Id of a `Speaker`.
    public var speaker: String
    public var kind: Kind
    /// What was said, without the speaker label (and without the question's number).
    public var text: String
    public var span: Span
    /// The question's number where the transcript numbers its questions (`一）`, `1.`, `问1：`).
    public var number: Int?

    public init(index: Int, speaker: String, kind: Kind, text: String, span: Span, number: Int? = nil) {
        self.index = index
        self.speaker = speaker
        self.kind = kind
        self.text = text
        self.span = span
        self.number = number
    }
}

/// A question and the answers given to it, by turn index.
public struct Exchange: Codable, Sendable, Equatable {
    public var question: Int
    public var answers: [Int]
    public init(question: Int, answers: [Int]) {
        self.question = question
        self.answers = answers
    }
}

/// A numbered point (`一是`, `一、`, `（一）`, `1.`, …) inside a turn.
public struct Point: Codable, Sendable, Equatable {
    public var turn: Int?
    public var marker: String
    public var level: Int
    public var text: String
    public var span: Span

    public init(turn: Int?, marker: String, level: Int, text: String, span: Span) {
        self.turn = turn
        self.marker = marker
        self.level = level
        self.text = text
        self.span = span
    }
}

/// A quantity stated in the text: `6100余个`, `近1900公斤`, `19.27％`.
public struct Figure: Codable, Sendable, Equatable {
    public enum Approx: String, Codable, Sendable { case exact, over, about, nearly, under }

    public var turn: Int?
    public var text: String
    /// Exact value after multipliers (`1095.1万元` → 10951000). A Double holds every figure a
    /// briefing states exactly (integers below 2^53, decimals of a few places).
    public var value: Double
    /// Measure word or unit (`个`, `公斤`, `元`, `%`), or nil for a bare number.
    public var unit: String?
    public var approx: Approx
    /// The phrase the figure counts (`警务室或治安岗亭`), when it can be told.
    public var subject: String?
    public var span: Span
    /// For a ratio (`3：1`, unit `ratio`), the second term; `value` is the first.
    public var ratioTo: Double?

    public init(
        turn: Int?, text: String, value: Double, unit: String?, approx: Approx, subject: String?,
        span: Span, ratioTo: Double? = nil
    ) {
        self.turn = turn
        self.text = text
        self.value = value
        self.unit = unit
        self.approx = approx
        self.subject = subject
        self.span = span
        self.ratioTo = ratioTo
    }

    enum CodingKeys: String, CodingKey {
        case turn, text, value, unit, approx, subject, span
        case ratioTo = "ratio_to"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(turn, forKey: .turn)
        try c.encode(text, forKey: .text)
        try c.encode(JSONNumber(value), forKey: .value)
        try c.encode(unit, forKey: .unit)
        try c.encode(approx, forKey: .approx)
        try c.encode(subject, forKey: .subject)
        try c.encode(span, forKey: .span)
        try c.encodeIfPresent(ratioTo.map(JSONNumber.init), forKey: .ratioTo)
    }
}

/// A change against a basis: `同比下降19.27％`, `比上年同期减少626起`.
public struct Change: Codable, Sendable, Equatable {
    public enum Direction: String, Codable, Sendable { case up, down, flat }
    public enum Basis: String, Codable, Sendable {
        case yearOnYear = "year_on_year"
        case periodOnPeriod = "period_on_period"
        case other
    }

    public var turn: Int?
    public var text: String
    public var direction: Direction
    public var basis: Basis
    public var percent: Double?
    public var amount: Double?
    public var unit: String?
    /// Index into `figures` of the figure this change qualifies, or nil.
    public var figure: Int?
    public var span: Span

    public init(
        turn: Int?, text: String, direction: Direction, basis: Basis, percent: Double? = nil,
        amount: Double? = nil, unit: String? = nil, figure: Int? = nil, span: Span
    ) {
        self.turn = turn
        self.text = text
        self.direction = direction
        self.basis = basis
        self.percent = percent
        self.amount = amount
        self.unit = unit
        self.figure = figure
        self.span = span
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(turn, forKey: .turn)
        try c.encode(text, forKey: .text)
        try c.encode(direction, forKey: .direction)
        try c.encode(basis, forKey: .basis)
        try c.encodeIfPresent(percent.map(JSONNumber.init), forKey: .percent)
        try c.encodeIfPresent(amount.map(JSONNumber.init), forKey: .amount)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encode(figure, forKey: .figure)
        try c.encode(span, forKey: .span)
    }
}

/// A date or period, resolved to ISO dates (`start`/`end`; `end` nil for an open end such as 今年以来),
/// or a length of time (`不得低于90天`: `duration` `P90D`, `approx` under) that may have no dates.
public struct Period: Codable, Sendable, Equatable {
    public var turn: Int?
    public var text: String
    public var start: String?
    public var end: String?
    public var span: Span
    /// ISO 8601 duration (`P90D`, `P19Y`, `P18M`) of a stated length of time.
    public var duration: String?
    /// How exact the duration is (`将近19年`: nearly); set with `duration` only.
    public var approx: Figure.Approx?

    public init(
        turn: Int?, text: String, start: String?, end: String?, span: Span, duration: String? = nil,
        approx: Figure.Approx? = nil
    ) {
        self.turn = turn
        self.text = text
        self.start = start
        self.end = end
        self.span = span
        self.duration = duration
        self.approx = approx
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(turn, forKey: .turn)
        try c.encode(text, forKey: .text)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(span, forKey: .span)
        try c.encodeIfPresent(duration, forKey: .duration)
        try c.encodeIfPresent(approx, forKey: .approx)
    }
}

/// A named thing: a quoted campaign, a document in 《》, a case code name, a hotline.
public struct Named: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case quoted, document, `case`, hotline }

    public var kind: Kind
    public var turn: Int?
    public var text: String
    public var span: Span

    public init(kind: Kind, turn: Int?, text: String, span: Span) {
        self.kind = kind
        self.turn = turn
        self.text = text
        self.span = span
    }
}

/// Encodes whole numbers without a fractional part (`6100`, not `6100.0`), others as shortest decimal.
struct JSONNumber: Codable, Sendable {
    let value: Double
    init(_ value: Double) { self.value = value }
    init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Double.self) }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.rounded() == value, abs(value) < 9.0e15 {
            try c.encode(Int64(value))
        } else {
            try c.encode(value)
        }
    }
}
