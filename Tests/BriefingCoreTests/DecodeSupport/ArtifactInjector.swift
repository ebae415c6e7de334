// Damage a clean text the way converters and editors do, at seeded random places, so that the
// normalizer must undo it. Every change here is one the normalizer is specified to reverse.

struct ArtifactInjector {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    static func isHan(_ s: Unicode.Scalar) -> Bool { (0x4E00...0x9FFF).contains(s.value) }

    /// Markers that vanish wherever they stand (Tika, pandoc, HTML anchors, zero-width characters).
    static let anywhere = [
        "[bookmark: _GoBack]", "[bookmark: _Toc145367]", "[footnoteRef:1]", "[endnoteRef:2]",
        "[image: image1.png]",
        "[Page]", "[]{#_GoBack .anchor}", "{#_Toc123456 .anchor}", "<a name=\"_GoBack\"></a>", "\u{200B}",
        "\u{00AD}",
        "\u{FEFF}", "\u{2060}",
    ]
    /// Markers that need a CJK character on both sides (field codes end with their own space; a
    /// space between CJK characters is removed only there).
    static let betweenHan = [
        "HYPERLINK \"http://gat.nmg.gov.cn/\" ", "PAGEREF _Toc123456 \\h ", "TOC \\o \"1-3\" \\h \\z \\u ",
        " ", "\u{3000}",
        "\u{00A0}",
    ]

    /// Inserts `count` markers, line structure unchanged; never inside another marker.
    mutating func sprinkle(_ text: String, count: Int, allowed: (String) -> Bool = { _ in true }) -> String {
        let anywhere = Self.anywhere.filter(allowed)
        let betweenHan = Self.betweenHan.filter(allowed)
        var scalars = Array(text.unicodeScalars)
        var original = [Bool](repeating: true, count: scalars.count)
        for _ in 0..<count {
            let i = Int.random(in: 1..<scalars.count, using: &random)
            guard original[i - 1], original[i], scalars[i - 1] != "\n", scalars[i] != "\n" else { continue }
            let marker: String
            if Self.isHan(scalars[i - 1]) && Self.isHan(scalars[i]) && Bool.random(using: &random) {
                marker = betweenHan.randomElement(using: &random)!
            } else {
                marker = anywhere.randomElement(using: &random)!
            }
            scalars.insert(contentsOf: marker.unicodeScalars, at: i)
            original.insert(contentsOf: repeatElement(false, count: marker.unicodeScalars.count), at: i)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Indents, trailing spaces, blank lines, full-width digits and CRLF line ends.
    mutating func reshape(_ text: String, crlf: Bool, allowed: (String) -> Bool = { _ in true }) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var l = String(line)
            if !l.isEmpty && Int.random(in: 0..<3, using: &random) == 0 {
                l =
                    ["\u{3000}\u{3000}", "\u{00A0}\u{00A0}\u{00A0}\u{00A0}", "    ", "\t"].filter(allowed)
                    .randomElement(using: &random)! + l
            }
            if !l.isEmpty && Int.random(in: 0..<4, using: &random) == 0 {
                l += [" ", "  ", "\u{3000}", "\t"].randomElement(using: &random)!
            }
            l = String(
                String.UnicodeScalarView(
                    l.unicodeScalars.map { s in
                        // A full-width digit for every third ASCII digit.
                        ("0"..."9").contains(s) && Int.random(in: 0..<3, using: &random) == 0
                            ? Unicode.Scalar(s.value + 0xFEE0)! : s
                    }))
            lines.append(l)
            if Int.random(in: 0..<4, using: &random) == 0 { lines.append("") }
        }
        return lines.joined(separator: crlf ? "\r\n" : "\n")
    }

    /// Hard-wraps every line at `columns` display columns, breaking only between two Han characters and
    /// never where the continuation could read as a speaker label or a list item.
    static func hardWrap(_ text: String, columns: Int) -> String {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var scalars = Array(line.unicodeScalars)
            while true {
                var width = 0
                var cut: Int?
                for (i, s) in scalars.enumerated() {
                    width += s.value >= 0x1100 ? 2 : 1
                    if width >= columns, i + 1 < scalars.count, canBreak(scalars, before: i + 1) {
                        cut = i + 1
                        break
                    }
                }
                guard let c = cut else { break }
                out.append(String(String.UnicodeScalarView(scalars[..<c])))
                scalars.removeFirst(c)
            }
            out.append(String(String.UnicodeScalarView(scalars)))
        }
        return out.joined(separator: "\n")
    }

    private static func canBreak(_ s: [Unicode.Scalar], before i: Int) -> Bool {
        guard isHan(s[i - 1]), isHan(s[i]) else { return false }
        let numerals = "一二三四五六七八九十第"
        if numerals.unicodeScalars.contains(s[i]) { return false }
        // No colon soon after the break unless sentence punctuation comes first.
        for s in s[i..<min(s.count, i + 32)] {
            if s == "：" || s == ":" { return false }
            if "，。；！？、“”,;!?".unicodeScalars.contains(s) { break }
        }
        return true
    }
}
