// Numbered points inside turns: `一是`, `一、`, `（一）`, `1.`, `1、`, `（1）`, `第一，`. Levels come from
// nesting: a marker continuing an open series takes that series' level, a series starting at one
// inside another point goes one level deeper (`一是` inside `二是`).

struct RawPoint {
    var marker: Range<Int>
    var text: Range<Int>
    var level: Int
}

enum Points {
    enum Style: Equatable {
        case shi  // 一是
        case dun  // 一、
        case paren  // （一）
        case arabicDot  // 1. / 1、
        case arabicParen  // （1） / 1）
        case ordinal  // 第一，
    }

    struct Marker {
        var style: Style
        var number: Int
        var range: Range<Int>
        /// Heading markers open a point that spans following paragraphs; inline ones end with theirs.
        var heading: Bool { style == .dun || style == .paren || style == .arabicDot || style == .arabicParen }
    }

    /// Points of the text range `r` (one turn).
    static func scan(_ t: ScalarText, in r: Range<Int>, _ candidates: Candidates) -> [RawPoint] {
        var markers: [Marker] = []
        // Markers open the turn, or follow a boundary (`\n`, `。一是`): try the turn's start, then
        // the position after each boundary candidate.
        var i = r.lowerBound
        var next = candidates.firstIndex(atOrAfter: r.lowerBound)
        var at = r.lowerBound
        while at < r.upperBound {
            if at >= i, t[at] != "\n",
                let m = marker(
                    t, at: at, paragraphStart: at == r.lowerBound || t[at - 1] == "\n", limit: r.upperBound)
            {
                markers.append(m)
                i = m.range.upperBound
            }
            // The next position after a boundary.
            while next < candidates.positions.count, candidates.flags[next] & CharClass.pointBoundary == 0 {
                next += 1
            }
            guard next < candidates.positions.count else { break }
            at = candidates.positions[next] + 1
            next += 1
        }
        return assemble(t, markers, in: r)
    }

    private static func marker(_ t: ScalarText, at i: Int, paragraphStart: Bool, limit: Int) -> Marker? {
        let c = t[i]
        if c == "（" || c == "(" {
            var j = i + 1
            while j < limit, j - i <= 3, ChineseNumerals.isNumeral(t[j]) || Scalars.isDigit(t[j]) { j += 1 }
            guard j > i + 1, t.at(j) == "）" || t.at(j) == ")", let (v, arabic) = number(t, i + 1..<j) else {
                return nil
            }
            return Marker(style: arabic ? .arabicParen : .paren, number: v, range: i..<j + 1)
        }
        if c == "第", let (v, end) = numeral(t, from: i + 1, limit: limit),
            t.at(end) == "，" || t.at(end) == ","
        {
            return Marker(style: .ordinal, number: v, range: i..<end + 1)
        }
        guard let (v, end) = numeral(t, from: i, limit: limit) else { return nil }
        let next = t.at(end)
        let arabic = Scalars.isDigit(c)
        if !arabic, next == "是" {
            // `一是` but not `统一是`: the boundary check before the call rules the latter out.
            return Marker(style: .shi, number: v, range: i..<end + 1)
        }
        guard paragraphStart else { return nil }
        if !arabic, next == "、" { return Marker(style: .dun, number: v, range: i..<end + 1) }
        if arabic, next == "、" || ((next == "." || next == "．") && !Scalars.isDigit(t.at(end + 1))) {
            return Marker(style: .arabicDot, number: v, range: i..<end + 1)
        }
        if arabic, next == "）" || next == ")" {
            return Marker(style: .arabicParen, number: v, range: i..<end + 1)
        }
        return nil
    }

    private static func numeral(_ t: ScalarText, from i: Int, limit: Int) -> (Int, Int)? {
        var j = i
        while j < limit, j - i < 3, ChineseNumerals.isNumeral(t[j]) || Scalars.isDigit(t[j]) { j += 1 }
        guard j > i, let (v, _) = number(t, i..<j) else { return nil }
        return (v, j)
    }

    private static func number(_ t: ScalarText, _ r: Range<Int>) -> (Int, Bool)? {
        if r.allSatisfy({ Scalars.isDigit(t[$0]) }) {
            return (r.reduce(0) { $0 * 10 + Scalars.digit(t[$1])! }, true)
        }
        guard r.allSatisfy({ ChineseNumerals.isNumeral(t[$0]) }), let v = ChineseNumerals.value(t, r), v > 0,
            v < 100
        else {
            return nil
        }
        return (v, false)
    }

    /// Deepest nesting kept; deeper `一是` series (only in garbled text) stay at this level.
    static let maxDepth = 6

    private static func assemble(_ t: ScalarText, _ markers: [Marker], in r: Range<Int>) -> [RawPoint] {
        // Open series, outermost first: style and last number.
        var stack: [(style: Style, number: Int)] = []
        var levels: [Int] = []
        levels.reserveCapacity(markers.count)
        for m in markers {
            if let k = stack.lastIndex(where: { $0.style == m.style && $0.number == m.number - 1 }) {
                stack.removeSubrange(k + 1..<stack.count)
                stack[k].number = m.number
                levels.append(k + 1)
            } else if (m.number == 1 || !stack.contains(where: { $0.style == m.style }))
                && stack.count < maxDepth
            {
                stack.append((m.style, m.number))
                levels.append(stack.count)
            } else {
                let k = stack.lastIndex(where: { $0.style == m.style }) ?? stack.count - 1
                stack.removeSubrange(k + 1..<stack.count)
                stack[k] = (m.style, m.number)
                levels.append(k + 1)
            }
        }
        // Where each point ends: at the next marker of the same or a higher level (one pass from
        // the back with a stack, so that many markers stay linear).
        var ends = [Int](repeating: r.upperBound, count: markers.count)
        var pending: [Int] = []
        for n in markers.indices.reversed() {
            while let top = pending.last, levels[top] > levels[n] { pending.removeLast() }
            if let top = pending.last { ends[n] = markers[top].range.lowerBound }
            pending.append(n)
        }
        // Paragraph ends, and how far an inline point may run: to the end of its paragraph, and on
        // through following paragraphs that open with a marker.
        let starts = Set(markers.map(\.range.lowerBound))
        var paragraphEnds: [Int] = []
        var k = r.lowerBound
        while k < r.upperBound {
            if t[k] == "\n" { paragraphEnds.append(k) }
            k += 1
        }
        paragraphEnds.append(r.upperBound)
        var reach = paragraphEnds
        for p in paragraphEnds.indices.dropLast().reversed() where starts.contains(paragraphEnds[p] + 1) {
            reach[p] = reach[p + 1]
        }
        var out: [RawPoint] = []
        var paragraph = 0
        for (n, m) in markers.enumerated() {
            var end = ends[n]
            while paragraphEnds[paragraph] < m.range.upperBound { paragraph += 1 }
            if !m.heading { end = min(end, reach[paragraph]) }
            var start = m.range.upperBound
            while start < end, Scalars.isSpace(t[start]) { start += 1 }
            while end > start, Scalars.isSpace(t[end - 1]) { end -= 1 }
            out.append(RawPoint(marker: m.range, text: start..<end, level: levels[n]))
        }
        return out
    }
}
