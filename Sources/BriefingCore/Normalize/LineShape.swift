// What a line starts with: a speaker label (`内蒙古日报社记者：`) or a list item (`一是`, `二、`,
// `（三）`, `1.`, `1、`, `（1）`, `第一，`). Lines starting either way are never joined to the line
// before them, and a label repeated inside its own turn is removed.

enum LineShape {
    /// Longest label, in characters, before its colon.
    static let maxLabelLength = 30

    /// Length of the speaker label at the start of `line` including its colon (`：` or `:`), or nil.
    /// A label has 2…30 characters and none of the punctuation a sentence has (，。；！？、“”).
    static func labelLength(_ line: ArraySlice<Unicode.Scalar>) -> Int? {
        var i = line.startIndex
        let end = min(line.endIndex, line.startIndex + maxLabelLength + 1)
        while i < end {
            let s = line[i]
            let n = i - line.startIndex
            if s == "：" {
                return n >= 2 ? n + 1 : nil
            }
            if s == ":" {
                // ASCII colon: "Reporter:" yes; "10:30", "http://" no.
                guard n >= 2, !ScalarClass.isASCIIDigit(line[i - 1]) else { return nil }
                if i + 1 < line.endIndex, line[i + 1] == "/" { return nil }
                return n + 1
            }
            if ScalarClass.breaksLabel(s) { return nil }
            i += 1
        }
        return nil
    }

    /// True when the line is nothing but a label (`### 名字：` in Markdown, a label paragraph in Word).
    static func isLabelOnly(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
        labelLength(line) == line.count
    }

    /// True when `line` starts with a list marker.
    static func isListItem(_ line: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = line.first else { return false }
        let a = line.startIndex
        func at(_ k: Int) -> Unicode.Scalar? { a + k < line.endIndex ? line[a + k] : nil }
        switch first {
        case "•", "●", "■", "◆", "▪", "○", "□", "◇", "★", "-", "*":
            return true
        case "（", "(":
            // （一） （1） (2)
            var k = 1
            while let s = at(k), ScalarClass.isChineseNumeral(s) || ScalarClass.isASCIIDigit(s) { k += 1 }
            return k > 1 && (at(k) == "）" || at(k) == ")")
        case "第":
            // 第一， 第二、 第三是
            var k = 1
            while let s = at(k), ScalarClass.isChineseNumeral(s) { k += 1 }
            guard k > 1, let s = at(k) else { return false }
            return s == "，" || s == "、" || s == "是" || s == "," || s == "："
        default:
            break
        }
        if ScalarClass.isChineseNumeral(first) {
            // 一是 / 二、 / 十一、
            var k = 1
            while let s = at(k), ScalarClass.isChineseNumeral(s) { k += 1 }
            guard let s = at(k) else { return false }
            return s == "是" || s == "、" || s == "．" || s == "."
        }
        if ScalarClass.isASCIIDigit(first) {
            // 1. 1、 1） 12．  — but not 2023年 or 19.27%
            var k = 1
            while let s = at(k), ScalarClass.isASCIIDigit(s) { k += 1 }
            guard k <= 3, let s = at(k) else { return false }
            if s == "、" || s == "）" || s == ")" || s == "．" { return true }
            if s == "." { return !(at(k + 1).map(ScalarClass.isASCIIDigit) ?? false) }
        }
        return false
    }

    /// Removes each repetition of the line's own label inside the line (`…至关重要内蒙古广播电视台记者：。`).
    /// - Returns: the removed label, if any occurrence was removed, and how many.
    static func removeRepeatedLabel(_ line: inout [Unicode.Scalar]) -> (label: String, count: Int)? {
        guard let n = labelLength(line[...]), n >= 3 else { return nil }
        let first = line[0]
        var count = 0
        var i = n
        var out: [Unicode.Scalar] = []
        var copied = 0
        while i + n <= line.count {
            if line[i] == first && line[i..<(i + n)].elementsEqual(line[0..<n]) {
                out.append(contentsOf: line[copied..<i])
                i += n
                copied = i
                count += 1
            } else {
                i += 1
            }
        }
        guard count > 0 else { return nil }
        out.append(contentsOf: line[copied...])
        let label = String(String.UnicodeScalarView(line[0..<n]))
        line = out
        return (label, count)
    }
}
