// Named things: quoted terms (“护校安园”), documents in 《》 (with nested 〈〉), case code names
// (“1.11”, “4·29”) and hotlines (96110). Quoted text is also where no figure is looked for.

struct NamedScan {
    var named: [(kind: Named.Kind, range: Range<Int>)] = []
    /// Ranges (marks included) of quotes and hotlines: slogans such as “四个100%” hold no figures.
    var excluded: [Range<Int>] = []
}

enum NamedItems {
    /// Longest quoted text taken as a name; longer quotes are speech, not names.
    static let maxQuoted = 30

    static func scan(_ t: ScalarText, _ candidates: Candidates) -> NamedScan {
        var out = NamedScan()
        var i = 0
        let n = t.count
        var next = 0
        var titles = TitleMarks()
        while next < candidates.positions.count {
            let at = candidates.positions[next]
            let flags = candidates.flags[next]
            next += 1
            guard at >= i, flags & (CharClass.namedStart | CharClass.digit) != 0 else { continue }
            i = at
            let c = t[i]
            switch c {
            case "“", "「", "『":
                let close: Unicode.Scalar = c == "“" ? "”" : (c == "「" ? "」" : "』")
                var j = i + 1
                while j < n, j - i <= maxQuoted + 1, t[j] != close, t[j] != "\n" { j += 1 }
                guard j < n, t[j] == close, j > i + 1, j - i <= maxQuoted + 1 else {
                    i += 1
                    continue
                }
                out.excluded.append(i..<j + 1)
                let content = i + 1..<j
                if isCaseCode(t, content) {
                    out.named.append((.case, content))
                } else if isDigits(t, content), content.count >= 3 {
                    out.named.append((.hotline, content))
                } else if !content.contains(where: { isSentencePunctuation(t[$0]) }) {
                    out.named.append((.quoted, content))
                }
                // Go on inside the quote: it may hold a document title (`“《反恐怖主义法》宣传月”`).
                i += 1
            case "《":
                // The matching `》` on the same line, nesting counted; each line is matched once,
                // so a line of unclosed `《` costs one pass, not one per mark.
                if i >= titles.lineEnd { titles.matchLine(t, from: i) }
                guard let j = titles.close[i], j > i + 1 else {
                    i += 1
                    continue
                }
                out.named.append((.document, i + 1..<j))
                i = j + 1
            default:
                if Scalars.isDigit(c), !Scalars.isDigit(t.at(i - 1)), let end = hotline(t, at: i) {
                    out.named.append((.hotline, i..<end))
                    out.excluded.append(i..<end)
                    i = end
                } else {
                    i += 1
                }
            }
        }
        return out
    }

    /// Matching `《` and `》` of one line at a time, found in one pass with a stack.
    struct TitleMarks {
        /// Where the line matched last ends (its `\n`, or the end of the text).
        private(set) var lineEnd = 0
        /// The `》` closing each `《` of that line, by the `《`'s position.
        private(set) var close: [Int: Int] = [:]

        mutating func matchLine(_ t: ScalarText, from start: Int) {
            close.removeAll(keepingCapacity: true)
            var open: [Int] = []
            var j = start
            while j < t.count, t[j] != "\n" {
                if t[j] == "《" {
                    open.append(j)
                } else if t[j] == "》", let k = open.popLast() {
                    close[k] = j
                }
                j += 1
            }
            lineEnd = j
        }
    }

    /// `1.11`, `4·29`, `5·07`: one or two digits, a dot, one or two digits.
    static func isCaseCode(_ t: ScalarText, _ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        var groups = 0
        while i < r.upperBound {
            let start = i
            while i < r.upperBound, Scalars.isDigit(t[i]) { i += 1 }
            guard i > start, i - start <= 2 else { return false }
            groups += 1
            if i == r.upperBound { break }
            switch t[i] {
            case ".", "·", "•", "‧", "・", "．": i += 1
            default: return false
            }
            guard i < r.upperBound else { return false }
        }
        return groups >= 2
    }

    static func isDigits(_ t: ScalarText, _ r: Range<Int>) -> Bool {
        !r.isEmpty && r.allSatisfy { Scalars.isDigit(t[$0]) }
    }

    static func isSentencePunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "，", "。", "？", "！", "；", ",", "?", "!", ";": true
        default: false
        }
    }

    static let callWords: [[Unicode.Scalar]] = [
        "拨打", "撥打", "致电", "致電", "热线", "熱線", "专线", "專線", "报警电话", "舉報電話", "举报电话",
    ]
    .map { Array($0.unicodeScalars) }
    static let lineWords: [[Unicode.Scalar]] = [
        "热线", "熱線", "电话", "電話", "号码", "號碼", "专线", "專線", "短信", "报警", "報警",
    ]
    .map { Array($0.unicodeScalars) }

    /// End of an unquoted hotline number at `i` (`拨打12345`, `96110热线`), or nil.
    static func hotline(_ t: ScalarText, at i: Int) -> Int? {
        var j = i
        while j < t.count, Scalars.isDigit(t[j]) { j += 1 }
        guard j - i >= 3, j - i <= 6, !Scalars.isDigit(t.at(j)), t.at(j) != ".", !Scalars.isPercent(t.at(j))
        else {
            return nil
        }
        if callWords.contains(where: { t.matches($0, endingAt: i) }) { return j }
        if lineWords.contains(where: { t.matches($0, at: j) }) { return j }
        return nil
    }
}
