// Leftovers of document conversion inside a line, removed with a count:
// - Apache Tika: `[bookmark: NAME]`, `[footnoteRef:N]`, `[endnoteRef:N]`, `[image: …]`, `[Page]`;
// - pandoc: `[]{#_GoBack .anchor}` and `{#_Toc123 .anchor}` attribute spans;
// - HTML anchors left in text: `<a name="_GoBack"></a>`, `<a id="x"/>`;
// - Word field instructions: `HYPERLINK "…"`, `PAGEREF _Toc123 \h`, `TOC \o "1-3" \h \z \u`,
//   `REF _Ref1 \h`, also wrapped in `{ … }`. Only the instruction goes; the field's displayed text
//   (which follows it) stays.
// Matching is by hand on scalars: the trigger characters ([ { < and upper-case ASCII) are rare in
// Chinese text, so most characters cost one switch.

enum ConversionArtifacts {
    static func strip(
        _ line: ArraySlice<Unicode.Scalar>, into out: inout [Unicode.Scalar], tally: inout ActionTally
    ) {
        let s = line
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            var matched: (end: Int, kind: ActionKind)?
            switch c {
            case "[": matched = bracketMarker(s, i)
            case "{": matched = pandocSpan(s, i) ?? bracedField(s, i)
            case "<": matched = htmlAnchor(s, i)
            case "H", "P", "T", "R", "S", "I":
                if i == s.startIndex || !ScalarClass.isASCIIAlphanumeric(s[i - 1]) {
                    matched = fieldCode(s, i)
                }
            default: break
            }
            if let m = matched {
                tally.add(m.kind, lazyExample: { String(String.UnicodeScalarView(s[i..<m.end])) })
                i = m.end
                if m.kind == .fieldCode {
                    // The instruction is followed by a space before the displayed text; drop it too.
                    while i < s.endIndex && s[i] == " " { i += 1 }
                }
                continue
            }
            out.append(c)
            i += 1
        }
    }

    // MARK: - Helpers

    private static func hasPrefix(
        _ s: ArraySlice<Unicode.Scalar>, _ i: Int, _ prefix: String, caseInsensitive: Bool = false
    )
        -> Bool
    {
        var k = i
        for p in prefix.unicodeScalars {
            guard k < s.endIndex else { return false }
            let a = s[k]
            if a != p {
                guard caseInsensitive, a.isASCII, p.isASCII, a.value | 0x20 == p.value | 0x20 else {
                    return false
                }
            }
            k += 1
        }
        return true
    }

    /// Index after the first `close` within `limit` characters of `from`, not crossing a line.
    private static func after(
        _ close: Unicode.Scalar, in s: ArraySlice<Unicode.Scalar>, from: Int, limit: Int = 200
    )
        -> Int?
    {
        var k = from
        let end = min(s.endIndex, from + limit)
        while k < end {
            if s[k] == close { return k + 1 }
            k += 1
        }
        return nil
    }

    // MARK: - Tika

    private static func bracketMarker(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> (Int, ActionKind)? {
        if hasPrefix(s, i, "[bookmark:"), let end = after("]", in: s, from: i + 10) {
            return (end, .bookmarkMarker)
        }
        for prefix in ["[footnoteRef:", "[endnoteRef:"] where hasPrefix(s, i, prefix) {
            var k = i + prefix.unicodeScalars.count
            while k < s.endIndex, ScalarClass.isASCIIDigit(s[k]) { k += 1 }
            if k < s.endIndex, s[k] == "]" { return (k + 1, .footnoteMarker) }
        }
        if hasPrefix(s, i, "[image:"), let end = after("]", in: s, from: i + 7) { return (end, .imageMarker) }
        if hasPrefix(s, i, "[Page") {
            var k = i + 5
            while k < s.endIndex, s[k] == " " || ScalarClass.isASCIIDigit(s[k]) { k += 1 }
            if k < s.endIndex, s[k] == "]" { return (k + 1, .pageMarker) }
        }
        if hasPrefix(s, i, "[]{#"), let span = pandocSpan(s, i + 2) { return (span.0, .pandocAnchor) }
        return nil
    }

    // MARK: - pandoc

    /// `{#id}` or `{#id .class …}`.
    private static func pandocSpan(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> (Int, ActionKind)? {
        guard hasPrefix(s, i, "{#") else { return nil }
        var k = i + 2
        let idStart = k
        while k < s.endIndex, isIdentifier(s[k]) { k += 1 }
        guard k > idStart else { return nil }
        while k < s.endIndex, s[k] == " " {
            k += 1
            guard k < s.endIndex, s[k] == "." || s[k] == "#" else { return nil }
            k += 1
            while k < s.endIndex, isIdentifier(s[k]) { k += 1 }
        }
        guard k < s.endIndex, s[k] == "}" else { return nil }
        return (k + 1, .pandocAnchor)
    }

    private static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        ScalarClass.isASCIIAlphanumeric(c) || c == "_" || c == "-" || c == ":" || c == "."
    }

    // MARK: - HTML

    /// `<a name="…"></a>`, `<a id="…"></a>`, `<a name="…"/>`: anchors with no text.
    private static func htmlAnchor(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> (Int, ActionKind)? {
        guard hasPrefix(s, i, "<a ", caseInsensitive: true), let close = after(">", in: s, from: i + 3) else {
            return nil
        }
        let tag = s[i..<close]
        guard tag.count > 5 else { return nil }
        if s[close - 2] == "/" { return (close, .htmlAnchor) }
        var k = close
        while k < s.endIndex, s[k] == " " { k += 1 }
        guard hasPrefix(s, k, "</a>", caseInsensitive: true) else { return nil }
        return (k + 4, .htmlAnchor)
    }

    // MARK: - Word fields

    private static let fieldKeywords = ["HYPERLINK", "PAGEREF", "TOC", "REF", "SEQ", "INCLUDEPICTURE"]

    /// `{ HYPERLINK "…" }`: the braces as Word shows field codes.
    private static func bracedField(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> (Int, ActionKind)? {
        var k = i + 1
        while k < s.endIndex, s[k] == " " { k += 1 }
        guard let field = fieldCode(s, k) else { return nil }
        k = field.0
        while k < s.endIndex, s[k] == " " { k += 1 }
        guard k < s.endIndex, s[k] == "}" else { return nil }
        return (k + 1, .fieldCode)
    }

    /// A field keyword followed by at least one argument: quoted strings, switches (`\h`, `\o "1-3"`,
    /// `\* MERGEFORMAT`) and bookmark names (`_Toc123`). Plain words after it are text, not arguments.
    private static func fieldCode(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> (Int, ActionKind)? {
        guard let keyword = fieldKeywords.first(where: { hasPrefix(s, i, $0 + " ") }) else { return nil }
        var k = i + keyword.unicodeScalars.count
        var arguments = 0
        var end = k
        while true {
            var j = k
            while j < s.endIndex, s[j] == " " { j += 1 }
            guard j < s.endIndex else { break }
            if s[j] == "\"" {
                guard let close = after("\"", in: s, from: j + 1, limit: 2048) else { break }
                j = close
            } else if s[j] == "\\", j + 1 < s.endIndex, s[j + 1].isASCII,
                s[j + 1].properties.isAlphabetic || s[j + 1] == "*"
            {
                let star = s[j + 1] == "*"
                j += 2
                if star {
                    // `\* MERGEFORMAT`: the switch's word argument belongs to it.
                    var w = j
                    while w < s.endIndex, s[w] == " " { w += 1 }
                    let wordStart = w
                    while w < s.endIndex, s[w].isASCII, s[w].properties.isAlphabetic { w += 1 }
                    if w > wordStart { j = w }
                }
            } else if s[j] == "_" {
                while j < s.endIndex, isIdentifier(s[j]) { j += 1 }
            } else {
                break
            }
            arguments += 1
            k = j
            end = j
        }
        return arguments > 0 ? (end, .fieldCode) : nil
    }
}
