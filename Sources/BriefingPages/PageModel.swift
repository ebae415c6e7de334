import Mustache

/// What the page template shows, built from a snapshot. Plain values only: the template decides
/// how they look. Fields are never optional (see ``TextToken``): `has…` flags say what is present.
/// The types repeated many times per page answer the template's lookups themselves
/// (`MustacheParent`), which is several times faster than the library's reflection.
struct PageModel {
    struct SpeakerRow: MustacheParent {
        var role: String
        var roleLabel: String
        var label: String
        var outlet: String
        var organization: String
        var title: String
        var name: String

        func child(named key: String) -> Any? {
            switch key {
            case "role": role
            case "roleLabel": roleLabel
            case "label": label
            case "outlet": outlet
            case "organization": organization
            case "title": title
            case "name": name
            default: nil
            }
        }
    }

    struct TurnView: MustacheParent {
        var anchor: String
        var kind: String
        var kindLabel: String
        var speakerLabel: String
        var role: String
        var hasNumber: Bool
        var number: String
        var paragraphs: [MarkedParagraph]

        func child(named key: String) -> Any? {
            switch key {
            case "anchor": anchor
            case "kind": kind
            case "kindLabel": kindLabel
            case "speakerLabel": speakerLabel
            case "role": role
            case "hasNumber": hasNumber
            case "number": number
            case "paragraphs": paragraphs
            default: nil
            }
        }
    }

    struct Block {
        var isExchange: Bool
        var anchor: String
        var headingID: String
        var heading: String
        var turns: [TurnView]
    }

    struct TocEntry {
        var href: String
        var heading: String
        var asker: String
        var summary: String
    }

    struct Occurrence: MustacheParent {
        var href: String
        var number: String
        var text: String

        func child(named key: String) -> Any? {
            switch key {
            case "href": href
            case "number": number
            case "text": text
            default: nil
            }
        }
    }

    struct NamedEntry: MustacheParent {
        var text: String
        var occurrences: [Occurrence]

        func child(named key: String) -> Any? {
            switch key {
            case "text": text
            case "occurrences": occurrences
            default: nil
            }
        }
    }

    struct NamedGroup {
        var kindLabel: String
        var entries: [NamedEntry]
    }

    struct Repair {
        var label: String
        var count: String
        var hasExamples: Bool
        var examples: [String]
    }

    var lang: String
    var css: String
    var title: String
    var hasDate: Bool
    var date: String
    var hasDateSource: Bool
    var dateSource: String
    var sourceIsURL: Bool
    var sourceURL: String
    var sourceName: String
    var sourceFile: String
    var ingestedAt: String
    var ingestedAtText: String
    var jsonHref: String
    var id: String
    var speakers: [SpeakerRow]
    var hasSpeakers: Bool
    var toc: [TocEntry]
    var hasToc: Bool
    var blocks: [Block]
    var namedGroups: [NamedGroup]
    var hasNamed: Bool
    var figureCount: String
    var changeCount: String
    var periodCount: String
    var repairs: [Repair]
    var hasRepairs: Bool
    var hasInput: Bool
    var encoding: String
    var encodingConfidence: String
    var format: String
    var bytes: String
    var bom: Bool
    var replacementCharacters: String
    var hasReplacements: Bool

    init(_ s: PageSnapshot, jsonName: String, css: String) {
        let b = s.briefing
        let markup = TextMarkup(text: s.text)
        lang = ScriptVariant.detect(s.text).rawValue
        self.css = css
        title = b.title ?? "（无标题）"
        hasDate = b.date != nil
        date = b.date ?? ""
        hasDateSource = b.dateSource != nil
        dateSource = b.dateSource.map(Wording.dateSource) ?? ""
        sourceIsURL = s.source.kind == "url" && s.source.url != nil
        sourceURL = s.source.url ?? ""
        sourceName = s.source.name
        sourceFile = s.source.path.map(Wording.fileName) ?? s.source.name
        ingestedAt = s.ingestedAt
        ingestedAtText = Wording.time(s.ingestedAt)
        jsonHref = jsonName
        id = s.id

        var speakerByID: [String: PageSnapshot.Speaker] = [:]
        for sp in b.speakers { speakerByID[sp.id] = sp }
        speakers = b.speakers.map {
            SpeakerRow(
                role: $0.role, roleLabel: Wording.role($0.role), label: $0.label, outlet: $0.outlet ?? "",
                organization: $0.organization ?? "", title: $0.title ?? "", name: $0.name ?? "")
        }
        hasSpeakers = !speakers.isEmpty

        // Marks of the whole text, handed to the turn that holds each.
        var marks: [TextMarkup.Mark] = []
        for (i, f) in b.figures.enumerated() where f.span.count == 2 {
            marks.append(
                TextMarkup.Mark(
                    start: f.span[0], end: f.span[1], rank: 1,
                    open: TextToken(kind: .openFigure, id: "f\(i + 1)", value: Self.figureValue(f)),
                    close: TextToken(kind: .closeFigure, id: "f\(i + 1)", tip: Self.figureTip(f))))
        }
        for p in b.periods where p.span.count == 2 {
            marks.append(
                TextMarkup.Mark(
                    start: p.span[0], end: p.span[1], rank: 2,
                    open: TextToken(kind: .openPeriod, value: Self.periodValue(p), tip: Self.periodTip(p)),
                    close: TextToken(kind: .closePeriod)))
        }
        for (i, n) in b.named.enumerated() where n.span.count == 2 {
            marks.append(
                TextMarkup.Mark(
                    start: n.span[0], end: n.span[1], rank: 0,
                    open: TextToken(kind: .openNamed, id: "n\(i + 1)", namedKind: n.kind),
                    close: TextToken(kind: .closeNamed)))
        }
        var pointStarts: [Int: Int] = [:]
        for p in b.points where p.span.count == 2 {
            let markerLength = p.marker.unicodeScalars.count
            let start = p.span[0] - markerLength
            if start >= 0, markup.string(start, p.span[0]) == p.marker {
                marks.append(
                    TextMarkup.Mark(
                        start: start, end: p.span[0], rank: 0, open: TextToken(marker: .open),
                        close: TextToken(marker: .close)))
                pointStarts[start] = max(1, p.level)
            } else {
                pointStarts[p.span[0]] = max(1, p.level)
            }
        }
        var bars: [TextMarkup.Bar] = []
        for (i, c) in b.changes.enumerated() {
            let position: Int
            if let f = c.figure, b.figures.indices.contains(f), b.figures[f].span.count == 2 {
                position = b.figures[f].span[1]
            } else {
                position = c.span.count == 2 ? c.span[1] : 0
            }
            bars.append(TextMarkup.Bar(position: position, order: i, bar: Self.bar(c)))
        }

        var turnViews: [Int: TurnView] = [:]
        var renderedNamed = Set<String>()
        let turns = b.turns.sorted { $0.index < $1.index }
        for (k, t) in turns.enumerated() where t.span.count == 2 {
            let (ts, te) = (t.span[0], t.span[1])
            // A bar belongs to the turn holding its position, or the next one after a gap.
            let nextStart =
                k + 1 < turns.count && turns[k + 1].span.count == 2 ? turns[k + 1].span[0] : Int.max
            let turnMarks = marks.filter { $0.start >= ts && $0.start < te }
            let turnBars = bars.filter { $0.position >= (k == 0 ? Int.min : ts) && $0.position < nextStart }
            let paragraphs = markup.paragraphs(
                start: ts, end: te, marks: turnMarks, bars: turnBars, pointStarts: pointStarts)
            for p in paragraphs {
                for token in p.tokens where token.kind == .openNamed { renderedNamed.insert(token.id) }
            }
            let speaker = speakerByID[t.speaker]
            turnViews[t.index] = TurnView(
                anchor: "t\(t.index)", kind: t.kind, kindLabel: Wording.turnKind(t.kind),
                speakerLabel: speaker?.label ?? t.speaker, role: speaker?.role ?? "unknown",
                hasNumber: t.number != nil, number: t.number.map(String.init) ?? "", paragraphs: paragraphs)
        }

        // Exchanges in order of their question, remarks and unpaired turns in their place between them.
        var exchangeOf: [Int: Int] = [:]
        var inExchange = Set<Int>()
        for (n, e) in b.exchanges.enumerated() {
            exchangeOf[e.question] = n
            inExchange.insert(e.question)
            inExchange.formUnion(e.answers)
        }
        var blocks: [Block] = []
        var toc: [TocEntry] = []
        for t in turns {
            if let n = exchangeOf[t.index] {
                let e = b.exchanges[n]
                let anchor = "q\(n + 1)"
                let question = turnViews[e.question]
                let heading = "问 \(question?.hasNumber == true ? question!.number : String(n + 1))"
                let members = ([e.question] + e.answers).compactMap { turnViews[$0] }
                blocks.append(
                    Block(
                        isExchange: true, anchor: anchor, headingID: anchor + "-h", heading: heading,
                        turns: members))
                let questionText = t.span.count == 2 ? markup.string(t.span[0], t.span[1]) : ""
                toc.append(
                    TocEntry(
                        href: "#" + anchor, heading: heading, asker: question?.speakerLabel ?? "",
                        summary: Wording.excerpt(questionText, limit: 48)))
            } else if !inExchange.contains(t.index), let view = turnViews[t.index] {
                if let last = blocks.last, !last.isExchange {
                    blocks[blocks.count - 1].turns.append(view)
                } else {
                    blocks.append(
                        Block(isExchange: false, anchor: "", headingID: "", heading: "", turns: [view]))
                }
            }
        }
        self.blocks = blocks
        self.toc = toc
        hasToc = !toc.isEmpty

        // Named items: one entry per distinct text, linking to each place it was marked.
        var groups: [NamedGroup] = []
        let kinds =
            Wording.namedKindOrder
            + Array(Set(b.named.map(\.kind)).subtracting(Wording.namedKindOrder)).sorted()
        for kind in kinds {
            var entries: [NamedEntry] = []
            var entryIndex: [String: Int] = [:]
            for (i, n) in b.named.enumerated() where n.kind == kind {
                let id = "n\(i + 1)"
                guard renderedNamed.contains(id) else { continue }
                if entryIndex[n.text] == nil {
                    entryIndex[n.text] = entries.count
                    entries.append(NamedEntry(text: n.text, occurrences: []))
                }
                let e = entryIndex[n.text]!
                entries[e].occurrences.append(
                    Occurrence(href: "#" + id, number: String(entries[e].occurrences.count + 1), text: n.text)
                )
            }
            if !entries.isEmpty {
                groups.append(NamedGroup(kindLabel: Wording.namedKind(kind), entries: entries))
            }
        }
        namedGroups = groups
        hasNamed = !groups.isEmpty
        figureCount = String(b.figures.count)
        changeCount = String(b.changes.count)
        periodCount = String(b.periods.count)

        repairs = (s.normalization?.actions ?? []).map {
            let examples = ($0.examples ?? []).prefix(3).map { $0 }
            return Repair(
                label: Wording.repair($0.kind), count: String($0.count), hasExamples: !examples.isEmpty,
                examples: examples)
        }
        hasRepairs = !repairs.isEmpty
        hasInput = s.input != nil
        encoding = s.input?.encoding ?? ""
        encodingConfidence =
            s.input?.encodingConfidence.map { Wording.number(($0 * 100).rounded()) + "%" } ?? ""
        format = s.input?.format ?? ""
        bytes = s.input?.bytes.map(String.init) ?? ""
        bom = s.input?.bom ?? false
        let replacements = s.input?.replacementCharacters ?? 0
        replacementCharacters = String(replacements)
        hasReplacements = replacements > 0
    }

    static func figureValue(_ f: PageSnapshot.Figure) -> String {
        Wording.number(f.value)
    }

    /// `6100 个 · 以上（余、多、超过） · 警务室或治安岗亭`
    static func figureTip(_ f: PageSnapshot.Figure) -> String {
        var parts: [String] = []
        if f.unit == "ratio", let to = f.ratioTo {
            parts.append("比例 \(Wording.number(f.value)):\(Wording.number(to))")
        } else {
            parts.append("数值 \(Wording.number(f.value))\(f.unit.map { " " + $0 } ?? "")")
        }
        parts.append(Wording.approx(f.approx))
        if let subject = f.subject { parts.append("对象：\(subject)") }
        return parts.joined(separator: " · ")
    }

    static func periodValue(_ p: PageSnapshot.Period) -> String {
        if let start = p.start { return start }
        if let end = p.end { return end }
        if let duration = p.duration, let html = Wording.htmlDuration(duration) { return html }
        return ""
    }

    static func periodTip(_ p: PageSnapshot.Period) -> String {
        switch (p.start, p.end) {
        case (let s?, let e?) where s == e: return s
        case (let s?, let e?): return "\(s) 至 \(e)"
        case (let s?, nil): return "\(s) 起"
        case (nil, let e?): return "至 \(e)"
        case (nil, nil):
            if let d = p.duration { return "时长 \(d)\(p.approx.map { " · " + Wording.approx($0) } ?? "")" }
            return "未能确定日期"
        }
    }

    static func bar(_ c: PageSnapshot.Change) -> ChangeBar {
        let sign: String
        switch c.direction {
        case "up": sign = "+"
        case "down": sign = "−"
        default: sign = "±"
        }
        let label: String
        let length: Int
        if let p = c.percent {
            label = sign + Wording.number(p) + "%"
            // The square root keeps small changes visible and a 100% change at full length.
            length = 4 + Int((36 * min(1, abs(p) / 100).squareRoot()).rounded())
        } else if let a = c.amount {
            label = sign + Wording.number(a) + (c.unit ?? "")
            length = 14
        } else {
            label = sign
            length = 4
        }
        return ChangeBar(
            direction: c.direction, text: c.text, label: label, length: length, basis: Wording.basis(c.basis))
    }
}
