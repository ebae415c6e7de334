import Mustache

/// One piece of marked-up text, in document order: plain text, the opening or closing of a mark
/// (a figure, a period, a named item, a point's marker), or a change bar. Marks are properly
/// nested, so the template can write each opening and closing tag where it comes.
///
/// Every field has a value (no optionals): Mustache looks a missing name up in the enclosing
/// contexts, which would find the wrong thing.
struct TextToken: MustacheParent {
    enum Kind { case text, openFigure, closeFigure, openPeriod, closePeriod, openNamed, closeNamed }
    enum MarkerEdge { case none, open, close }

    var kind: Kind = .text
    var text = ""
    /// Figure: `f12`; named item: `n3`.
    var id = ""
    /// Figure: the number as a machine-readable value; period: ISO date or duration (may be empty).
    var value = ""
    /// What the mark means, in words, shown on hover and focus.
    var tip = ""
    var namedKind = ""
    var marker: MarkerEdge = .none
    var bar: ChangeBar? = nil

    /// The template that writes this token: one lookup per token instead of one per kind.
    var partial: String {
        if bar != nil { return "mark-bar" }
        switch marker {
        case .open: return "mark-marker-open"
        case .close: return "mark-marker-close"
        case .none: break
        }
        switch kind {
        case .text: return "mark-text"
        case .openFigure: return "mark-figure-open"
        case .closeFigure: return "mark-figure-close"
        case .openPeriod: return "mark-period-open"
        case .closePeriod: return "mark-period-close"
        case .openNamed: return "mark-named-open"
        case .closeNamed: return "mark-named-close"
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "partial": partial
        case "isText": kind == .text && marker == .none && bar == nil
        case "text": text
        case "openFigure": kind == .openFigure
        case "closeFigure": kind == .closeFigure
        case "openPeriod": kind == .openPeriod
        case "closePeriod": kind == .closePeriod
        case "openNamed": kind == .openNamed
        case "closeNamed": kind == .closeNamed
        case "openMarker": marker == .open
        case "closeMarker": marker == .close
        case "hasValue": !value.isEmpty
        case "id": id
        case "value": value
        case "tip": tip
        case "namedKind": namedKind
        case "isBar": bar != nil
        case "bar": bar ?? ChangeBar.none
        default: nil
        }
    }
}

/// A change drawn beside its figure: a small bar whose length grows with the percent (or a fixed
/// length for an amount), an arrow for the direction, and the percent or amount in words.
struct ChangeBar: MustacheParent {
    var direction: String
    /// `同比下降19.27%` as the transcript says it.
    var text: String
    /// `−19.27%`, `+626起`
    var label: String
    /// Length of the bar in SVG units (out of 40).
    var length: Int
    var basis: String

    static let none = ChangeBar(direction: "flat", text: "", label: "", length: 0, basis: "")

    func child(named name: String) -> Any? {
        switch name {
        case "up": direction == "up"
        case "down": direction == "down"
        case "flat": direction != "up" && direction != "down"
        case "direction": direction
        case "text": text
        case "label": label
        case "length": String(length)
        case "arrowX": String(length + 1)
        case "width": String(length + 9)
        case "basis": basis
        case "description": "\(basis)\(directionWord)\(label.dropFirst())"
        default: nil
        }
    }

    private var directionWord: String {
        switch direction {
        case "up": "上升"
        case "down": "下降"
        default: "持平"
        }
    }
}

/// A paragraph of a turn: a line of the transcript, marked as a numbered point when one begins it.
struct MarkedParagraph: MustacheParent {
    var tokens: [TextToken]
    var pointLevel: Int

    func child(named name: String) -> Any? {
        switch name {
        case "tokens": tokens
        case "isPoint": pointLevel > 0
        case "pointLevel": String(pointLevel)
        default: nil
        }
    }
}

/// Splits a turn into paragraphs and marks figures, periods, named items, point markers and change
/// bars in it, from the spans of the snapshot (Unicode code points of the whole `text`).
struct TextMarkup {
    struct Mark {
        var start: Int
        var end: Int
        /// Lower sorts first among marks starting together with the same end: the outer one.
        var rank: Int
        var open: TextToken
        var close: TextToken
    }

    struct Bar {
        var position: Int
        var order: Int
        var bar: ChangeBar
    }

    let scalars: [Unicode.Scalar]

    init(text: String) { scalars = Array(text.unicodeScalars) }

    func string(_ start: Int, _ end: Int) -> String {
        let s = max(0, min(start, scalars.count))
        let e = max(s, min(end, scalars.count))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[s..<e])
        return String(view)
    }

    /// Paragraphs of `[start, end)` split at line breaks; `marks` and `bars` must be those of this range.
    /// `pointStarts` maps a position to the level of the point whose marker starts there.
    func paragraphs(start: Int, end: Int, marks: [Mark], bars: [Bar], pointStarts: [Int: Int])
        -> [MarkedParagraph]
    {
        let start = max(0, min(start, scalars.count))
        let end = max(start, min(end, scalars.count))
        var ranges: [(Int, Int)] = []
        var lineStart = start
        for i in start..<end where scalars[i] == "\n" {
            ranges.append((lineStart, i))
            lineStart = i + 1
        }
        ranges.append((lineStart, end))
        // Leading and trailing blanks of a line say nothing and would only indent the paragraph.
        ranges = ranges.map { r in
            var (s, e) = r
            while s < e, scalars[s].properties.isWhitespace { s += 1 }
            while e > s, scalars[e - 1].properties.isWhitespace { e -= 1 }
            return (s, e)
        }
        let sortedMarks = marks.sorted { ($0.start, -$0.end, $0.rank) < ($1.start, -$1.end, $1.rank) }
        let sortedBars = bars.sorted { ($0.position, $0.order) < ($1.position, $1.order) }
        var markIndex = 0
        var barIndex = 0
        var out: [MarkedParagraph] = []
        for (n, (ps, pe)) in ranges.enumerated() {
            let last = n == ranges.count - 1
            var inside: [Mark] = []
            while markIndex < sortedMarks.count, last || sortedMarks[markIndex].start < pe {
                var m = sortedMarks[markIndex]
                markIndex += 1
                // A mark running past the line is cut at its end; one outside every line is dropped.
                guard m.start >= ps, m.start < pe else { continue }
                m.end = min(m.end, pe)
                inside.append(m)
            }
            var barsHere: [Bar] = []
            while barIndex < sortedBars.count, last || sortedBars[barIndex].position <= pe {
                var b = sortedBars[barIndex]
                b.position = min(max(b.position, ps), pe)
                barsHere.append(b)
                barIndex += 1
            }
            guard ps < pe || !barsHere.isEmpty else { continue }
            out.append(
                MarkedParagraph(
                    tokens: tokens(ps, pe, marks: inside, bars: barsHere), pointLevel: pointStarts[ps] ?? 0))
        }
        return out
    }

    /// Nested tokens for one line: a mark that crosses the end of the one it starts in is cut there.
    private func tokens(_ start: Int, _ end: Int, marks: [Mark], bars: [Bar]) -> [TextToken] {
        var out: [TextToken] = []
        var pos = start
        var barIndex = 0
        var stack: [Mark] = []

        func flushBars(upTo p: Int) {
            while barIndex < bars.count, bars[barIndex].position <= p {
                out.append(TextToken(bar: bars[barIndex].bar))
                barIndex += 1
            }
        }
        func text(to x: Int) {
            while pos < x {
                flushBars(upTo: pos)
                let nextBar = barIndex < bars.count ? bars[barIndex].position : Int.max
                let stop = min(x, nextBar)
                out.append(TextToken(kind: .text, text: string(pos, stop)))
                pos = stop
            }
        }
        func closeUntil(_ p: Int) {
            while let top = stack.last, top.end <= p {
                text(to: top.end)
                out.append(top.close)
                stack.removeLast()
            }
        }
        for var mark in marks {
            closeUntil(mark.start)
            text(to: mark.start)
            flushBars(upTo: mark.start)
            if let top = stack.last, mark.end > top.end { mark.end = top.end }
            guard mark.end > mark.start else { continue }
            out.append(mark.open)
            stack.append(mark)
        }
        closeUntil(end)
        while let top = stack.popLast() {
            text(to: top.end)
            out.append(top.close)
        }
        text(to: end)
        flushBars(upTo: Int.max)
        return out
    }
}
