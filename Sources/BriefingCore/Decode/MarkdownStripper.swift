#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Markdown → the words: front matter, `#` heading markers, emphasis, bullets, images, link syntax,
// reference definitions and HTML leftovers (`<figure>`, `<span>` …) go; text stays. A label written
// as a heading (`### 名字：`) stays as the label line `名字：`. Line structure is kept for the
// normalizer, which joins and collapses lines. Pandoc's `{#id .anchor}` spans are left for the
// normalizer, which counts them.

enum MarkdownStripper {
    struct Evidence {
        var frontMatter = false
        var headings = 0
        var links = 0
    }

    /// Markdown constructs in the text (front matter, ATX headings, links/images), for format sniffing.
    static func evidence(_ text: String) -> Evidence {
        var evidence = Evidence()
        let utf8 = text.utf8
        // Front matter: "---" line first, a closing "---" line within 8 KB.
        if utf8.starts(with: "---\n".utf8) || utf8.starts(with: "---\r\n".utf8) {
            evidence.frontMatter = ASCIIBytes.withHead(utf8, limit: 8192) { head in
                ASCIIBytes.find("\n---", in: head, from: 3) != nil
            }
        }
        // ATX headings ("# " … "###### " at a line start) and link/image syntax "](", in the first
        // 64 KB, jumping with memchr (this runs on every input); stop once the answer is clear.
        ASCIIBytes.withHead(utf8, limit: 64 * 1024) { bytes in
            guard let base = bytes.baseAddress else { return }
            let end = base + bytes.count
            var line = base
            while line < end {
                if line.pointee == 0x23 {  // '#'
                    var k = line
                    while k < end && k.pointee == 0x23 { k += 1 }
                    if k - line <= 6 && k < end && k.pointee == 0x20 { evidence.headings += 1 }
                }
                guard let newline = memchr(line, 0x0A, end - line) else { break }
                line = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            var p = base
            while p < end, let bracket = memchr(p, 0x5D, end - p) {  // ']'
                let b = UnsafePointer(bracket.assumingMemoryBound(to: UInt8.self))
                if b + 1 < end && b[1] == 0x28 { evidence.links += 1 }  // "]("
                if evidence.links >= 2 { break }
                p = b + 1
            }
        }
        return evidence
    }

    /// Index just past a closing `---` line, if the text opens with `---` front matter.
    private static func frontMatterEnd(_ s: [Unicode.Scalar]) -> Int? {
        guard s.count >= 4, s[0] == "-", s[1] == "-", s[2] == "-", s[3] == "\n" || s[3] == "\r" else {
            return nil
        }
        var i = 4
        while i < s.count {
            if (s[i - 1] == "\n") && i + 2 < s.count && s[i] == "-" && s[i + 1] == "-" && s[i + 2] == "-" {
                var j = i + 3
                while j < s.count && s[j] != "\n" { j += 1 }
                return min(j + 1, s.count)
            }
            i += 1
        }
        return nil
    }

    /// The value of `key:` in the text's `---` front matter (`date: 2021-06-30` → `2021-06-30`),
    /// without quotes.
    static func frontMatterField(_ key: String, in text: String) -> String? {
        let head = Array(text.unicodeScalars.prefix(8192))
        guard let end = frontMatterEnd(head) else { return nil }
        let lines = String(String.UnicodeScalarView(head[4..<end])).split(whereSeparator: \.isNewline)
        let junk: Set<Character> = [" ", "\t", "\"", "'"]
        func trimmed(_ s: Substring) -> Substring {
            var s = s
            while let c = s.first, junk.contains(c) { s.removeFirst() }
            while let c = s.last, junk.contains(c) { s.removeLast() }
            return s
        }
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, trimmed(parts[0]) == key else { continue }
            let value = trimmed(parts[1])
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    static func strip(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        if let end = frontMatterEnd(scalars) { scalars.removeFirst(end) }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var lineStart = 0
        var inFence = false
        while lineStart < scalars.count {
            var lineEnd = lineStart
            while lineEnd < scalars.count && scalars[lineEnd] != "\n" { lineEnd += 1 }
            var line = Array(scalars[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            if line.last == "\r" { line.removeLast() }
            if line.starts(with: Array("```".unicodeScalars))
                || line.starts(with: Array("~~~".unicodeScalars))
            {
                inFence.toggle()
                out.append("\n")
                continue
            }
            if !inFence {
                line = stripLine(line)
            }
            out.append(contentsOf: line)
            out.append("\n")
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: out)
        return String(view)
    }

    /// One line: block markers first, then inline syntax.
    private static func stripLine(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var line = input[...]
        // Leading spaces are indentation; the normalizer removes them later, so keep them out here.
        while let f = line.first, f == " " { line = line.dropFirst() }
        // Blockquote markers.
        while line.first == ">" {
            line = line.dropFirst()
            if line.first == " " { line = line.dropFirst() }
        }
        // ATX heading: 1–6 '#' then a space; a closing run of '#' goes too.
        var hashes = 0
        while hashes < line.count && line[line.startIndex + hashes] == "#" { hashes += 1 }
        if hashes >= 1 && hashes <= 6 && line.count > hashes && line[line.startIndex + hashes] == " " {
            line = line.dropFirst(hashes + 1)
            while line.last == "#" || line.last == " " { line = line.dropLast() }
        }
        // Setext underline and thematic breaks: a line of only = - * _ (3+).
        if line.count >= 3, line.allSatisfy({ $0 == "=" || $0 == "-" || $0 == "*" || $0 == "_" || $0 == " " })
        {
            return []
        }
        // Reference-style link definitions: `[id]: url`.
        if line.first == "[", let close = line.firstIndex(of: "]"), close + 1 < line.endIndex,
            line[close + 1] == ":"
        {
            return []
        }
        // Bullets (ordered list numbers are words of the text and stay).
        if line.count >= 2, let f = line.first, f == "-" || f == "*" || f == "+",
            line[line.startIndex + 1] == " "
        {
            line = line.dropFirst(2)
        }
        return stripInline(Array(line))
    }

    /// Inline syntax of one line, in one pass: a link's text is stripped in place (its end and the
    /// link's end are kept on a stack), so nested brackets cost neither recursion nor copies.
    private static func stripInline(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        let brackets = Brackets(s)
        // Open links: where each one's text ends (its `]`) and where the whole link ends.
        var open: [(textEnd: Int, linkEnd: Int)] = []
        var i = 0
        while i < s.count {
            if let top = open.last, i == top.textEnd {
                i = top.linkEnd
                open.removeLast()
                continue
            }
            // Nothing inside a link's text looks past its `]`.
            let limit = open.last?.textEnd ?? s.count
            let c = s[i]
            switch c {
            case "\\":
                // Backslash escape of ASCII punctuation: keep the character, drop the backslash.
                if i + 1 < limit, isASCIIPunctuation(s[i + 1]) {
                    out.append(s[i + 1])
                    i += 2
                    continue
                }
            case "!":
                // Image: `![alt](url)` goes entirely.
                if i + 1 < limit, s[i + 1] == "[", let (_, end) = brackets.link(s, from: i + 1, limit: limit)
                {
                    i = end
                    continue
                }
            case "[":
                // Link: `[text](url)` or `[text][ref]` → text. `[]{#id .anchor}` is left alone.
                if let (text, end) = brackets.link(s, from: i, limit: limit) {
                    open.append((text.upperBound, end))
                    i = text.lowerBound
                    continue
                }
            case "<":
                // HTML tag leftovers (`<figure>`, `</span>`, `<br/>`): drop the tag, keep the text.
                if let end = htmlTagEnd(s, from: i, limit: limit) {
                    i = end
                    continue
                }
            case "*", "_", "~", "`":
                // Emphasis, strike-through and code markers. A single `_` inside a word
                // (`_GoBack`, `snake_case`) is kept. A run is kept or dropped whole.
                var run = 1
                while i + run < limit && s[i + run] == c { run += 1 }
                let prevWord = i > 0 && isWordScalar(s[i - 1])
                let nextWord = i + run < limit && isWordScalar(s[i + run])
                let keep =
                    (c == "_" && run == 1 && prevWord && nextWord) || (c == "~" && run == 1)
                    || !(prevWord || nextWord || c == "`")
                if keep { out.append(contentsOf: s[i..<i + run]) }
                i += run
                continue
            default: break
            }
            out.append(c)
            i += 1
        }
        return out
    }

    private static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v)
            || (0x7B...0x7E).contains(v)
    }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s.value > 0x7F || (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)))
    }

    /// The brackets of one line, matched once: where each `[` and `(` closes (nesting counted) and
    /// where every `]` is, so that finding a link is a lookup, not a scan to the end of the line.
    struct Brackets {
        private var squareClose: [Int: Int] = [:]
        private var roundClose: [Int: Int] = [:]
        /// Positions of every `]`, ascending.
        private var squareEnds: [Int] = []

        init(_ s: [Unicode.Scalar]) {
            var square: [Int] = []
            var round: [Int] = []
            for (k, c) in s.enumerated() {
                switch c {
                case "[": square.append(k)
                case "]":
                    squareEnds.append(k)
                    if let open = square.popLast() { squareClose[open] = k }
                case "(": round.append(k)
                case ")": if let open = round.popLast() { roundClose[open] = k }
                default: break
                }
            }
        }

        /// `[text](url)` or `[text][ref]` starting at `i` and ending before `limit`: the text's
        /// range and the index after the link.
        func link(_ s: [Unicode.Scalar], from i: Int, limit: Int) -> (Range<Int>, Int)? {
            guard let j = squareClose[i], j + 1 < limit else { return nil }
            let close: Int?
            switch s[j + 1] {
            case "(": close = roundClose[j + 1]
            case "[":
                // A reference (`[text][ref]`): the next `]`, no nesting.
                guard j > i + 1 else { return nil }
                var lo = 0
                var hi = squareEnds.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if squareEnds[mid] < j + 2 { lo = mid + 1 } else { hi = mid }
                }
                close = lo < squareEnds.count ? squareEnds[lo] : nil
            default: return nil
            }
            guard let k = close, k < limit else { return nil }
            return ((i + 1)..<j, k + 1)
        }
    }

    /// `<tag …>` / `</tag>` / `<tag/>` with an ASCII-letter tag name starting at `i`: the index after it.
    /// Empty anchors (`<a name="…"></a>`) are left for the normalizer, which counts them.
    static func htmlTagEnd(_ s: [Unicode.Scalar], from i: Int, limit: Int? = nil) -> Int? {
        let end = limit ?? s.count
        var j = i + 1
        if j < end && s[j] == "/" { j += 1 }
        let nameStart = j
        while j < end, s[j].isASCII, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) { j += 1 }
        guard j > nameStart, j - nameStart <= 12 else { return nil }
        guard j < end, s[j] == ">" || s[j] == " " || s[j] == "/" else { return nil }
        let isAnchor = j - nameStart == 1 && (s[nameStart] == "a" || s[nameStart] == "A")
        let closing = nameStart > i + 1
        while j < end && s[j] != ">" {
            if s[j] == "\n" || s[j] == "<" { return nil }
            j += 1
        }
        guard j < end else { return nil }
        if isAnchor {
            // An empty anchor: opening tag right before `</a>`, or that `</a>` itself.
            if !closing && j + 4 < end && s[j + 1] == "<" && s[j + 2] == "/"
                && (s[j + 3] == "a" || s[j + 3] == "A")
            {
                return nil
            }
            if closing && i > 0 && s[i - 1] == ">" { return nil }
        }
        return j + 1
    }
}
