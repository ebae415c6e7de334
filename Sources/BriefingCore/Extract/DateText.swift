// Reading a briefing's date out of short strings: a headline, a page's publish time, a URL path, an
// HTTP date. The body's own dates are found by `Periods`; these are the places around it.

enum DateText {
    /// The first full date written in `s`: `2022年8月2日`, `2022-08-02`, `2022/8/2`, `2022.08.02`,
    /// also with spaces between the parts (`2022 年 8 月 2 日`).
    static func firstDate(in s: String) -> CivilDate? {
        let c = Array(s.unicodeScalars)
        var i = 0
        while i < c.count {
            if isDigit(c[i]), let (d, _) = date(c, at: i) { return d }
            if yearDigit(c[i]) != nil, let d = chineseDate(c, at: i) { return d }
            i += 1
        }
        return nil
    }

    /// `二〇二二年八月二日`, `二○二三年六月十二日`: a date written in Chinese numerals.
    static func chineseDate(_ c: [Unicode.Scalar], at i: Int) -> CivilDate? {
        guard i == 0 || yearDigit(c[i - 1]) == nil, i + 4 < c.count else { return nil }
        var y = 0
        for k in i..<i + 4 {
            guard let d = yearDigit(c[k]) else { return nil }
            y = y * 10 + d
        }
        guard c[i + 4] == "年", (1900...2100).contains(y), let (m, mEnd) = smallNumeral(c, at: i + 5),
            (1...12).contains(m), mEnd < c.count, c[mEnd] == "月",
            let (d, dEnd) = smallNumeral(c, at: mEnd + 1),
            (1...CivilDate.daysIn(month: m, year: y)).contains(d),
            dEnd < c.count, c[dEnd] == "日" || c[dEnd] == "号" || c[dEnd] == "號"
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// A year's digit: `〇`, `○` (a circle often typed for it), `零`, `一`…`九`.
    @inline(__always) static func yearDigit(_ c: Unicode.Scalar) -> Int? {
        c == "○" || c == "Ｏ" ? 0 : (c == "两" || c == "兩" ? nil : ChineseNumerals.digitValue(c))
    }

    /// A month or day in Chinese numerals (`八`, `十二`, `二十一`, `三十`) and where it ends.
    static func smallNumeral(_ c: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        var j = i
        var value = 0
        var tens = false
        var digit: Int? = nil
        while j < c.count, j < i + 3 {
            if c[j] == "十" {
                guard !tens else { return nil }
                tens = true
                value = (digit ?? 1) * 10
                digit = nil
            } else if let d = ChineseNumerals.digitValue(c[j]), d > 0, digit == nil {
                digit = d
            } else {
                break
            }
            j += 1
        }
        guard j > i else { return nil }
        return (value + (digit ?? 0), j)
    }

    /// The full date starting at `i`, and where it ends.
    static func date(_ c: [Unicode.Scalar], at i: Int) -> (CivilDate, Int)? {
        guard i == 0 || !isDigit(c[i - 1]) else { return nil }
        guard let (year, yEnd) = number(c, at: i, maxDigits: 4) else { return nil }
        var y = year
        var j = skipSpaces(c, from: yEnd)
        guard j < c.count else { return nil }
        let sep = c[j]
        let han = sep == "年"
        if han, yEnd - i == 2 || yEnd - i == 3, (1...200).contains(y) {
            // `112年8月3日`: Taiwan counts years from 1912 (民國); a full date with such a year is one.
            y += 1911
        } else {
            guard yEnd - i == 4, (1900...2100).contains(y) else { return nil }
        }
        guard han || sep == "-" || sep == "/" || sep == "." else { return nil }
        j = skipSpaces(c, from: j + 1)
        guard let (m, mEnd) = number(c, at: j, maxDigits: 2), (1...12).contains(m) else { return nil }
        j = skipSpaces(c, from: mEnd)
        guard j < c.count, han ? c[j] == "月" : c[j] == sep else { return nil }
        j = skipSpaces(c, from: j + 1)
        guard let (d, dEnd) = number(c, at: j, maxDigits: 2),
            (1...CivilDate.daysIn(month: m, year: y)).contains(d)
        else { return nil }
        var end = dEnd
        if han {
            let k = skipSpaces(c, from: dEnd)
            guard k < c.count, c[k] == "日" || c[k] == "号" || c[k] == "號" else { return nil }
            end = k + 1
        }
        return (CivilDate(year: y, month: m, day: d), end)
    }

    /// A date in a URL's path: `/202208/t20220802_10732122.shtml`, `/2022-08-02/`, `/2022/08/02/`.
    static func dateInURLPath(_ url: String) -> CivilDate? {
        var c = Array(url.unicodeScalars)
        // The path only: after `scheme://host`, before `?` or `#`.
        if let scheme = firstIndex(of: ["/", "/"], in: c) {
            let afterHost = c[(scheme + 2)...].firstIndex(of: "/") ?? c.count
            c = Array(c[afterHost...])
        }
        if let q = c.firstIndex(where: { $0 == "?" || $0 == "#" }) { c = Array(c[..<q]) }
        // Eight digits in a row that make a date (`t20220802_`).
        var i = 0
        while i < c.count {
            guard isDigit(c[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < c.count, isDigit(c[j]) { j += 1 }
            if j - i == 8, let y = number(c, at: i, maxDigits: 4)?.0,
                let m = number(c, at: i + 4, maxDigits: 2)?.0,
                let d = number(c, at: i + 6, maxDigits: 2)?.0, (1990...2100).contains(y),
                (1...12).contains(m),
                (1...CivilDate.daysIn(month: m, year: y)).contains(d)
            {
                return CivilDate(year: y, month: m, day: d)
            }
            i = j
        }
        // `2022/08/02`, `2022-08-02` as path segments.
        for k in c.indices where isDigit(c[k]) && (k == 0 || c[k - 1] == "/") {
            if let (d, end) = date(c, at: k), c[k + 4] != ".", end == c.count || !isDigit(c[end]) {
                return d
            }
        }
        return nil
    }

    /// The day of an HTTP date (`Wed, 05 Oct 2022 09:00:00 GMT`; also RFC 850 and asctime forms).
    static func httpDate(_ s: String) -> CivilDate? {
        let words = s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" })
        var day: Int? = nil
        var month: Int? = nil
        var year: Int? = nil
        for w in words {
            if let m = months.firstIndex(of: w.lowercased()) {
                month = m + 1
            } else if !w.contains(":"), let n = Int(w) {
                if w.count == 4 {
                    year = n
                } else if w.count == 2, day != nil, year == nil {
                    year = n < 70 ? 2000 + n : 1900 + n  // RFC 850's two-digit year
                } else if day == nil {
                    day = n
                }
            }
        }
        guard let day, let month, let year, (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else {
            return nil
        }
        return CivilDate(year: year, month: month, day: day)
    }

    private static let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]

    private static func firstIndex(of pair: [Unicode.Scalar], in c: [Unicode.Scalar]) -> Int? {
        var i = 0
        while i + 1 < c.count {
            if c[i] == ":" && c[i + 1] == pair[0] && i + 2 < c.count && c[i + 2] == pair[1] { return i + 1 }
            i += 1
        }
        return nil
    }

    @inline(__always) private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private static func skipSpaces(_ c: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        while j < c.count, c[j] == " " || c[j] == "\u{3000}" { j += 1 }
        return j
    }

    private static func number(_ c: [Unicode.Scalar], at i: Int, maxDigits: Int) -> (Int, Int)? {
        var j = i
        var v = 0
        while j < c.count, j - i < maxDigits, isDigit(c[j]) {
            v = v * 10 + Int(c[j].value - 48)
            j += 1
        }
        guard j > i, j == c.count || !isDigit(c[j]) || j - i == maxDigits else { return nil }
        return (v, j)
    }
}
