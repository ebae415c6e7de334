import Mustache

/// One briefing as the day digest lists it: kept in memory per day, so that a new snapshot
/// rewrites the digest without reading the day's other snapshots again.
public struct DigestEntry: Sendable {
    struct Row: Sendable, MustacheParent {
        var subject: String
        var figure: String
        var figureTip: String
        var value: String
        var changes: [ChangeBar]
        var hasChanges: Bool

        func child(named key: String) -> Any? {
            switch key {
            case "subject": subject
            case "figure": figure
            case "figureTip": figureTip
            case "value": value
            case "changes": changes
            case "hasChanges": hasChanges
            default: nil
            }
        }
    }

    /// File name of the snapshot (`…json`), which orders the day's briefings by ingestion time.
    public var jsonName: String
    var pageName: String
    var title: String
    var lang: String
    var ingestedAt: String
    var ingestedAtText: String
    var sourceIsURL: Bool
    var sourceURL: String
    var sourceLabel: String
    var speakers: [String]
    var exchangeCount: String
    var figureCount: String
    var changeCount: String
    var rows: [Row]
    var hasRows: Bool

    /// Rows of the digest table: figures that changed first, then other figures with a subject.
    static let maxRows = 8

    public init(_ s: PageSnapshot, jsonName: String) {
        let b = s.briefing
        self.jsonName = jsonName
        pageName = PageSite.pageName(forSnapshot: jsonName)
        title = b.title ?? "（无标题）"
        lang = ScriptVariant.detect(b.title ?? "").rawValue
        ingestedAt = s.ingestedAt
        ingestedAtText = Wording.time(s.ingestedAt)
        sourceIsURL = s.source.kind == "url" && s.source.url != nil
        sourceURL = s.source.url ?? ""
        sourceLabel =
            s.source.kind == "url" ? s.source.name : (s.source.path.map(Wording.fileName) ?? s.source.name)
        speakers = b.speakers.filter { $0.role != "reporter" }.map { sp in
            if let name = sp.name {
                return [sp.organization, sp.title, name].compactMap { $0 }.joined(separator: " ")
            }
            return sp.label
        }
        exchangeCount = String(b.exchanges.count)
        figureCount = String(b.figures.count)
        changeCount = String(b.changes.count)

        var rows: [Row] = []
        var rowOfFigure: [Int: Int] = [:]
        func figureRow(_ f: PageSnapshot.Figure) -> Row {
            Row(
                subject: f.subject ?? "", figure: f.text, figureTip: PageModel.figureTip(f),
                value: PageModel.figureValue(f), changes: [], hasChanges: false)
        }
        for c in b.changes {
            if let fi = c.figure, b.figures.indices.contains(fi) {
                if let r = rowOfFigure[fi] {
                    rows[r].changes.append(PageModel.bar(c))
                    continue
                }
                guard rows.count < Self.maxRows else { continue }
                rowOfFigure[fi] = rows.count
                var row = figureRow(b.figures[fi])
                row.changes = [PageModel.bar(c)]
                row.hasChanges = true
                rows.append(row)
            } else if rows.count < Self.maxRows {
                rows.append(
                    Row(
                        subject: "", figure: c.text, figureTip: "", value: "", changes: [PageModel.bar(c)],
                        hasChanges: true))
            }
        }
        for (i, f) in b.figures.enumerated() where rows.count < Self.maxRows {
            guard rowOfFigure[i] == nil, f.subject != nil, f.unit != "%" else { continue }
            rows.append(figureRow(f))
        }
        self.rows = rows
        hasRows = !rows.isEmpty
    }
}

/// The day digest's template values.
struct DayModel {
    var lang: String
    var css: String
    var day: String
    var count: String
    var entries: [DigestEntry]
}

/// The top index's template values.
struct DaysModel {
    struct Day {
        var day: String
        var href: String
        var count: String
    }
    var lang: String
    var css: String
    var days: [Day]
    var hasDays: Bool
    var total: String
}
