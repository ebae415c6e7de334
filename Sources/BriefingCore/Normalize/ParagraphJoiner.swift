// Lines → paragraphs. Three rules:
// - blank lines are paragraph breaks and disappear (paragraphs are separated by one "\n");
// - a line holding only a speaker label (`名字：`, e.g. from a Markdown heading or its own Word
//   paragraph) is joined to the next non-blank line, unless that line is only a label too (the next
//   line may well start like a label: `习近平总书记强调：…`) or a list item (`主要措施：` then `一是…`
//   is an introduction and its list, not a speaker and a turn);
// - hard wraps are undone: a line is joined to the next when it does not end a sentence, is at least two
//   thirds as wide as the text's wrap width, and the next line neither starts a turn (label), nor a list item,
//   nor is indented. The wrap width is learnt from the text: the median width of the unfinished lines
//   at least 40 columns wide, when there are two or more; text without them is not joined at all, so
//   headings and titles ("新闻发布会答记者问", "三、已取得的工作战果") stay on their own lines.

enum ParagraphJoiner {
    static let minimumWrapWidth = 40

    static func join(_ lines: [TextNormalizer.Line], tally: inout ActionTally) -> [[Unicode.Scalar]] {
        let wrapWidth = self.wrapWidth(lines)
        var paragraphs: [[Unicode.Scalar]] = []
        var out: [Unicode.Scalar] = []
        var previous: TextNormalizer.Line?  // last non-blank line written
        var previousIsLabelOnly = false
        var blankSince = false
        var blanks = 0
        for line in lines {
            if line.isBlank {
                blankSince = true
                blanks += 1
                continue
            }
            defer {
                previous = line
                blankSince = false
            }
            guard let prev = previous else {
                out.append(contentsOf: line.scalars)
                previousIsLabelOnly = LineShape.isLabelOnly(line.scalars)
                continue
            }
            if previousIsLabelOnly && !LineShape.isLabelOnly(line.scalars)
                && !LineShape.isListItem(line.scalars)
            {
                out.append(contentsOf: line.scalars)
                tally.add(.labelLineJoined, example: String(String.UnicodeScalarView(prev.scalars)))
                previousIsLabelOnly = false
                continue
            }
            if !blankSince, let width = wrapWidth, isUnfinished(prev, width: width), continuesSentence(line) {
                if let a = prev.scalars.last, let b = line.scalars.first, !ScalarClass.isCJK(a),
                    !ScalarClass.isCJK(b)
                {
                    out.append(" ")  // a wrapped Latin word boundary
                }
                out.append(contentsOf: line.scalars)
                tally.add(.hardWrapJoined)
                previousIsLabelOnly = false
                continue
            }
            paragraphs.append(out)
            out = Array(line.scalars)
            previousIsLabelOnly = LineShape.isLabelOnly(line.scalars)
        }
        if blanks > 0 { tally.add(.blankLines, count: blanks) }
        if previous != nil { paragraphs.append(out) }
        return paragraphs
    }

    private static func width(_ line: TextNormalizer.Line) -> Int {
        line.scalars.reduce(0) { $0 + ScalarClass.width($1) }
    }

    private static func isUnfinished(_ line: TextNormalizer.Line, width: Int) -> Bool {
        guard let last = line.scalars.last, !ScalarClass.isSentenceFinal(last) else { return false }
        return self.width(line) * 3 >= width * 2
    }

    private static func continuesSentence(_ line: TextNormalizer.Line) -> Bool {
        !line.indented && LineShape.labelLength(line.scalars) == nil && !LineShape.isListItem(line.scalars)
    }

    /// The text's wrap width, if it looks hard-wrapped.
    static func wrapWidth(_ lines: [TextNormalizer.Line]) -> Int? {
        var widths: [Int] = []
        for (i, line) in lines.enumerated() where i + 1 < lines.count {
            guard let last = line.scalars.last, !ScalarClass.isSentenceFinal(last) else { continue }
            let next = lines[i + 1]
            guard !next.isBlank, continuesSentence(next) else { continue }
            let w = width(line)
            if w >= minimumWrapWidth { widths.append(w) }
        }
        guard widths.count >= 2 else { return nil }
        widths.sort()
        return widths[widths.count / 2]
    }
}
