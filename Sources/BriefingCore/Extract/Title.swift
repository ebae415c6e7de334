// The briefing's title: the first line before the first turn, without Markdown decoration.

enum Title {
    static let maxLength = 120

    static func find(_ t: ScalarText, frontMatter: [Range<Int>]) -> String? {
        for p in frontMatter {
            var start = SpeakerLabels.skipMarkup(t, from: p.lowerBound, end: p.upperBound)
            var end = p.upperBound
            while end > start, t[end - 1] == "*" || t[end - 1] == "#" || Scalars.isSpace(t[end - 1]) {
                end -= 1
            }
            // `原标题：…` names the title it carries.
            if let prefix = Lexicons.nonLabels.match(t, at: start, limit: end),
                t.at(start + prefix.word.count) == "：",
                prefix.word.last == "题" || prefix.word.last == "題"
            {
                start += prefix.word.count + 1
            }
            guard start < end else { continue }
            if SpeakerLabels.isTimestampLine(t, start..<end) { continue }
            return t.string(start..<min(end, start + maxLength))
        }
        return nil
    }
}
