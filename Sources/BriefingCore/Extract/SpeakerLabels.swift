// Speaker labels at the start of a paragraph (`内蒙古日报社记者：`, `### 蘇貞昌：`, `问：`) and what
// they say about the speaker. A `…：` that does not read as a label is ordinary text.

/// What a label says about its speaker.
struct LabelInfo: Equatable {
    enum Kind: Equatable { case question, answer, host, reporter, official, person }

    var kind: Kind
    var label: String
    var outlet: String? = nil
    var organization: String? = nil
    var title: String? = nil
    var name: String? = nil
    /// The question's number written in the label (`问1：`).
    var number: Int? = nil
    /// A bare name before a verb of saying (`陆慷说，`): a turn only right after a question or as
    /// the same speaker again, otherwise it is a quotation in running text.
    var weak = false
}

/// A label found at the start of a paragraph.
struct FoundLabel {
    var info: LabelInfo
    /// First scalar of what was said; the paragraph's end when the label stands on its own line.
    var contentStart: Int
}

enum SpeakerLabels {
    /// Longest label considered: the longest official label seen is about 30 scalars.
    static let maxLabelLength = 40

    /// The label opening paragraph `p` (already trimmed), if any.
    static func find(_ t: ScalarText, paragraph p: Range<Int>) -> FoundLabel? {
        let end = p.upperBound
        var i = skipTimestamp(t, from: skipMarkup(t, from: p.lowerBound, end: end), end: end)
        i = skipMarkup(t, from: i, end: end)
        let start = i
        guard start < end, t[start] != "（", t[start] != "(" else { return nil }
        // `【主持人】`, `[记者]`: a label in brackets, with or without a colon after it.
        if t[start] == "【" || t[start] == "[" {
            let close: Unicode.Scalar = t[start] == "【" ? "】" : "]"
            var j = start + 1
            while j < min(end, start + maxLabelLength), t[j] != close { j += 1 }
            guard j < end, t[j] == close, let info = classify(t, t.trimmed(start + 1..<j)) else { return nil }
            var content = j + 1
            while content < end, Scalars.isColon(t[content]) || Scalars.isSpace(t[content]) { content += 1 }
            return FoundLabel(info: info, contentStart: content)
        }
        let limit = min(end, start + maxLabelLength)
        var j = start
        var bookTitle = false
        while j < limit {
            let c = t[j]
            if Scalars.isColon(c) {
                // `10:15` is a time, not a label (but `问3: ` is one).
                if c == ":", Scalars.isDigit(t.at(j - 1)), Scalars.isDigit(t.at(j + 1)) { return nil }
                break
            }
            switch c {
            case "，", ",":
                return reportedSpeech(t, from: start, end: end)
            case "《":
                // `英国《金融时报》记者`: an outlet's name in book-title marks.
                var k = j + 1
                while k < limit, t[k] != "》", t[k] != "《", !Scalars.isColon(t[k]) { k += 1 }
                guard k < limit, t[k] == "》" else { return nil }
                bookTitle = true
                j = k + 1
            case "。", "？", "！", "；", "“", "”", "》", "「", "」", "?", "!", ";", "\"", "…":
                return nil
            default: j += 1
            }
        }
        guard j < limit else { return reportedSpeech(t, from: start, end: end) }
        var labelEnd = j
        while labelEnd > start, t[labelEnd - 1] == "*" || Scalars.isSpace(t[labelEnd - 1]) { labelEnd -= 1 }
        guard labelEnd > start else { return nil }
        var content = j + 1
        while content < end, t[content] == "*" || Scalars.isSpace(t[content]) { content += 1 }
        if let verb = Lexicons.speechVerbs.match(t, endingAt: labelEnd, floor: start),
            verb.word.count < labelEnd - start
        {
            // A label names a speaker; `习近平主席指出：`, `拜登总统在讲话中表示：` quote someone inside
            // what the current speaker says. Only in a reported-speech transcript does `陆慷说：` open
            // the answer to the question before it (a weak label: the turn builder decides).
            guard var info = reportedSpeaker(t, start..<labelEnd - verb.word.count) else { return nil }
            info.weak = true
            return FoundLabel(info: info, contentStart: content)
        }
        guard let info = classify(t, start..<labelEnd), !bookTitle || info.kind == .reporter else {
            return nil
        }
        // `答：答：`: a label typed twice, as exports from word processors often have it, is said once.
        let width = labelEnd - start
        if content + width < end, Scalars.isColon(t[content + width]),
            (0..<width).allSatisfy({ t[content + $0] == t[start + $0] })
        {
            content += width + 1
            while content < end, Scalars.isSpace(t[content]) { content += 1 }
        }
        return FoundLabel(info: info, contentStart: content)
    }

    /// `发言人张华说，…`: an answer by 张华 without a colon label. Only title + name (or a title
    /// alone) count, so `习近平总书记强调，` stays text.
    static func reportedSpeech(_ t: ScalarText, from start: Int, end: Int) -> FoundLabel? {
        let limit = min(end, start + 24)
        var j = start + 2
        while j < limit {
            let c = t[j]
            if c == "，" || c == "," {
                var content = j + 1
                while content < end, Scalars.isSpace(t[content]) { content += 1 }
                // `有记者问，…？`: a question in a reported-speech transcript.
                if let generic = Lexicons.genericLabels.entry(t.string(start..<j)),
                    generic.tags.first == "question",
                    t[j - 1] == "问" || t[j - 1] == "問"
                {
                    return FoundLabel(
                        info: LabelInfo(kind: .question, label: t.string(start..<j)), contentStart: content)
                }
                guard let verb = Lexicons.speechVerbs.match(t, endingAt: j, floor: start),
                    j - verb.word.count > start,
                    let info = reportedSpeaker(t, start..<j - verb.word.count)
                else { return nil }
                return FoundLabel(info: info, contentStart: content)
            }
            if !Scalars.isHan(c) && c != "·" { return nil }
            j += 1
        }
        return nil
    }

    /// Who is reported speaking in `发言人张华说，`, `陆慷说，`: a title and a name, or a name alone
    /// (a weak label, taken only where an answer is due).
    static func reportedSpeaker(_ t: ScalarText, _ r: Range<Int>) -> LabelInfo? {
        if var official = officialLabel(t, r, reported: true) {
            official.label = t.string(r)
            return official
        }
        guard r.count <= 4, plausibleName(t, r) else { return nil }
        let name = t.string(r)
        return LabelInfo(kind: .person, label: name, name: name, weak: true)
    }

    /// What the label text in `r` says, or nil when it is not a label.
    static func classify(_ t: ScalarText, _ r: Range<Int>) -> LabelInfo? {
        // `主持人（寿小丽）`, `記者（英文）`: the part before the brackets says the role; a name
        // inside them names the speaker.
        if r.count > 2, t[r.upperBound - 1] == "）" || t[r.upperBound - 1] == ")",
            let open = r.lastIndex(where: { t[$0] == "（" || t[$0] == "(" }), open > r.lowerBound
        {
            guard var info = classify(t, r.lowerBound..<open) else { return nil }
            let inner = t.trimmed(open + 1..<r.upperBound - 1)
            if info.name == nil, plausibleName(t, inner) {
                info.name = t.string(inner)
            } else if info.kind == .question, info.outlet == nil, !inner.isEmpty,
                Lexicons.outletSuffixes.match(t, endingAt: inner.upperBound, floor: inner.lowerBound) != nil
            {
                // `记者（新华社）`
                info.kind = .reporter
                info.outlet = t.string(inner)
            }
            info.label = t.string(r)
            return info
        }
        // `主持人 寿小丽`, `发言人 张华`: a role, a space, a name.
        if let space = r.lastIndex(where: { Scalars.isSpace(t[$0]) }), space > r.lowerBound,
            plausibleName(t, space + 1..<r.upperBound),
            case let role = t.trimmed(r.lowerBound..<space),
            Lexicons.genericLabels.entry(t.string(role)) != nil,
            var info = classify(t, role)
        {
            info.name = t.string(space + 1..<r.upperBound)
            info.label = t.string(r)
            return info
        }
        // `主持人 商务部新闻发言人束珏婷`, `主持人、省政府新闻办主任王明`: the role, then who holds it.
        if let host = Lexicons.genericLabels.match(t, at: r.lowerBound, limit: r.upperBound),
            host.tags.first == "host", host.word.count < r.count
        {
            var rest = r.lowerBound + host.word.count
            while rest < r.upperBound, t[rest] == "、" || Scalars.isSpace(t[rest]) { rest += 1 }
            if rest < r.upperBound, let holder = classify(t, rest..<r.upperBound),
                holder.kind == .official || holder.kind == .person
            {
                return LabelInfo(
                    kind: .host, label: t.string(r), organization: holder.organization, title: holder.title,
                    name: holder.name)
            }
        }
        // `问1：`, `問題2：`, `Q3：`: a generic label with the question's number.
        var digitsStart = r.upperBound
        var arabic = true
        while digitsStart > r.lowerBound, r.upperBound - digitsStart < 3 {
            let c = t[digitsStart - 1]
            if Scalars.isDigit(c) {
                digitsStart -= 1
            } else if ChineseNumerals.digitValue(c) != nil || c == "十" {
                arabic = false
                digitsStart -= 1
            } else {
                break
            }
        }
        if digitsStart < r.upperBound, digitsStart > r.lowerBound,
            var info = classify(t, r.lowerBound..<digitsStart), info.kind == .question || info.kind == .answer
        {
            let digits = digitsStart..<r.upperBound
            info.number = arabic ? Int(t.string(digits)) : ChineseNumerals.value(t, digits)
            return info
        }
        if let info = latinLabel(t, r) { return info }
        let label = t.string(r)
        if Lexicons.nonLabels.contains(label) { return nil }
        if let generic = Lexicons.genericLabels.entry(label) {
            switch generic.tags.first {
            case "answer": return LabelInfo(kind: .answer, label: label)
            case "host": return LabelInfo(kind: .host, label: label)
            default: return LabelInfo(kind: .question, label: label)
            }
        }
        if let info = reporter(t, r) { return info }
        if let info = officialLabel(t, r, reported: false) { return info }
        if Lexicons.outletSuffixes.match(t, endingAt: r.upperBound, floor: r.lowerBound) != nil,
            r.count <= 16,
            allHan(t, r, allowing: ["、", " "])
        {
            return LabelInfo(kind: .reporter, label: label, outlet: label)
        }
        if r.count <= 4, allHan(t, r, allowing: ["·"]),
            Lexicons.surnames.match(t, at: r.lowerBound, limit: r.upperBound) != nil,
            !r.contains(where: { notInNames.contains(t[$0]) })
        {
            return LabelInfo(kind: .person, label: label, name: label)
        }
        return nil
    }

    /// Labels with a Latin-script name: `Kolas Yotaka`, `行政院發言人 Kolas Yotaka` (a title, then
    /// the name), `iThome 余至浩` (a Latin-script outlet, then a reporter's name).
    static func latinLabel(_ t: ScalarText, _ r: Range<Int>) -> LabelInfo? {
        let label = t.string(r)
        // Outlet in Latin letters, a space, a Han name.
        if let space = r.lastIndex(where: { Scalars.isSpace(t[$0]) }), space > r.lowerBound,
            case let outlet = t.trimmed(r.lowerBound..<space), outlet.count >= 2,
            outlet.allSatisfy({ Scalars.isASCIILetter(t[$0]) || Scalars.isDigit(t[$0]) }),
            plausibleName(t, space + 1..<r.upperBound), r.upperBound - space - 1 <= 4
        {
            return LabelInfo(
                kind: .reporter, label: label, outlet: t.string(outlet),
                name: t.string(space + 1..<r.upperBound))
        }
        // A name of two or three capitalized Latin words at the end.
        var nameStart = r.upperBound
        var words = 0
        var k = r.upperBound
        while words < 3 {
            var w = k
            while w > r.lowerBound, Scalars.isASCIILetter(t[w - 1]) || t[w - 1] == "-" || t[w - 1] == "'" {
                w -= 1
            }
            guard w < k, Scalars.isASCIIUppercase(t[w]) else { break }
            words += 1
            nameStart = w
            guard w - 1 > r.lowerBound, t[w - 1] == " ", Scalars.isASCIILetter(t[w - 2]) else { break }
            k = w - 1
        }
        guard words >= 2, r.upperBound - nameStart <= 30 else { return nil }
        let name = t.string(nameStart..<r.upperBound)
        let prefix = t.trimmed(r.lowerBound..<nameStart)
        if prefix.isEmpty { return LabelInfo(kind: .person, label: label, name: name) }
        guard var info = officialLabel(t, prefix, reported: false), info.name == nil else { return nil }
        info.name = name
        info.label = label
        return info
    }

    /// Characters of function words that start like surnames (`关于`, `于是`, `高度`, `方面`) but
    /// hardly occur in given names.
    static let notInNames: Set<Unicode.Scalar> = Set(
        "于的是在了和与及或等面度部件果效时時样樣何么麼些个個这這那之其所为為以从從对對把被将將由向此中要务務点點条條项項也就都还還而且但如果因此外总總结結体體说說讲講看"
            .unicodeScalars)

    /// `新华网记者`, `香港商报、商报网记者`, `新华社记者王明`, `中央社 林小明`.
    static func reporter(_ t: ScalarText, _ r: Range<Int>) -> LabelInfo? {
        var k = r.lowerBound
        while k + 1 < r.upperBound {
            if (t[k] == "记" || t[k] == "記") && t[k + 1] == "者" { break }
            k += 1
        }
        if k + 1 < r.upperBound {
            var outletEnd = k
            while outletEnd > r.lowerBound, t[outletEnd - 1] == "、" || Scalars.isSpace(t[outletEnd - 1]) {
                outletEnd -= 1
            }
            let nameRange = t.trimmed(k + 2..<r.upperBound)
            guard nameRange.isEmpty || (nameRange.count <= 4 && allHan(t, nameRange, allowing: ["·"])) else {
                return nil
            }
            return LabelInfo(
                kind: .reporter, label: t.string(r),
                outlet: outletEnd > r.lowerBound ? t.string(r.lowerBound..<outletEnd) : nil,
                name: nameRange.isEmpty ? nil : t.string(nameRange))
        }
        // Outlet, a space, then the reporter's name.
        var space = r.upperBound - 1
        while space > r.lowerBound, !Scalars.isSpace(t[space]) { space -= 1 }
        guard space > r.lowerBound else { return nil }
        let outlet = t.trimmed(r.lowerBound..<space)
        let name = t.trimmed(space + 1..<r.upperBound)
        guard !outlet.isEmpty, name.count >= 2, name.count <= 4, allHan(t, name, allowing: ["·"]),
            Lexicons.outletSuffixes.match(t, endingAt: outlet.upperBound, floor: outlet.lowerBound) != nil
        else { return nil }
        return LabelInfo(kind: .reporter, label: t.string(r), outlet: t.string(outlet), name: t.string(name))
    }

    /// `organization + title + name`, a title alone, or `name + title` (`陳院長`).
    static func officialLabel(_ t: ScalarText, _ r: Range<Int>, reported: Bool) -> LabelInfo? {
        var p = r.upperBound
        let lowest = max(r.lowerBound, r.upperBound - 7)
        while p >= lowest {
            // `新闻发言人 寿小丽`: a space may stand between title and name.
            var nameStart = p
            while nameStart < r.upperBound, Scalars.isSpace(t[nameStart]) { nameStart += 1 }
            let nameRange = nameStart..<r.upperBound
            if nameRange.isEmpty || plausibleName(t, nameRange) {
                if let title = Lexicons.officialTitles.match(t, endingAt: p, floor: r.lowerBound) {
                    var titleStart = p - title.word.count
                    // A chain such as `党委委员、副局长` or `副主委兼發言人` is one title.
                    while t.at(titleStart - 1) == "、" || t.at(titleStart - 1) == "兼",
                        let more = Lexicons.officialTitles.match(
                            t, endingAt: titleStart - 1, floor: r.lowerBound)
                    {
                        titleStart -= 1 + more.word.count
                    }
                    var org = titleStart > r.lowerBound ? t.string(r.lowerBound..<titleStart) : nil
                    var name = nameRange.isEmpty ? nil : t.string(nameRange)
                    if name == nil, titleStart > r.lowerBound {
                        // `陳院長`: a short surname-led prefix is a name, not an organization.
                        let prefix = r.lowerBound..<titleStart
                        if prefix.count <= 3,
                            Lexicons.surnames.match(t, at: prefix.lowerBound, limit: prefix.upperBound)
                                != nil,
                            !isOrganizationEnd(t[prefix.upperBound - 1])
                        {
                            name = org
                            org = nil
                        } else if reported {
                            // `习近平总书记强调，` is a quotation in running text, not a turn.
                            return nil
                        }
                    }
                    return LabelInfo(
                        kind: .official, label: t.string(r), organization: org,
                        title: t.string(titleStart..<p), name: name)
                }
            }
            p -= 1
        }
        return nil
    }

    /// Two to six Han characters (or a name with `·`) that do not end in a verb of speech.
    static func plausibleName(_ t: ScalarText, _ r: Range<Int>) -> Bool {
        guard r.count >= 2, r.count <= 7, allHan(t, r, allowing: ["·", "•"]) else { return false }
        if Lexicons.speechVerbs.match(t, endingAt: r.upperBound, floor: r.lowerBound) != nil { return false }
        if r.count <= 3 { return Lexicons.surnames.match(t, at: r.lowerBound, limit: r.upperBound) != nil }
        return true
    }

    static func isOrganizationEnd(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "部", "厅", "廳", "局", "处", "處", "委", "会", "會", "院", "署", "府", "办", "辦", "司", "省", "市", "区",
            "區", "县", "縣", "队", "隊", "所", "室", "科", "组", "組", "馆", "館", "团", "團", "校", "心":
            true
        default: false
        }
    }

    static func allHan(_ t: ScalarText, _ r: Range<Int>, allowing extra: Set<Unicode.Scalar>) -> Bool {
        for i in r where !Scalars.isHan(t[i]) && !extra.contains(t[i]) { return false }
        return true
    }

    /// `责任编辑：王五`, `来源：…`: editorial matter, which belongs to no turn.
    static func isMatter(_ t: ScalarText, paragraph p: Range<Int>) -> Bool {
        let start = skipMarkup(t, from: p.lowerBound, end: p.upperBound)
        guard let w = Lexicons.nonLabels.match(t, at: start, limit: p.upperBound) else { return false }
        return Scalars.isColon(t.at(start + w.word.count))
    }

    /// Skips Markdown decoration before a label: `### `, `**`, `> `, `- `.
    static func skipMarkup(_ t: ScalarText, from i: Int, end: Int) -> Int {
        var i = i
        while i < end {
            switch t[i] {
            case "#", "*", ">", "◆", "●", "■", "▲", "◇", "○", "□", "★", "☆", "▶", "►", "•": i += 1
            default:
                guard Scalars.isSpace(t[i]) else { return i }
                i += 1
            }
        }
        return i
    }

    /// Skips a leading time stamp (`2019-03-04 10:15:30 `, `10:15 `) of a live-text line.
    static func skipTimestamp(_ t: ScalarText, from i: Int, end: Int) -> Int {
        var j = i
        var sawColon = false
        while j < end, Scalars.isDigit(t[j]) || t[j] == ":" || t[j] == "-" || t[j] == "/" || t[j] == " " {
            if t[j] == ":" { sawColon = true }
            j += 1
        }
        return sawColon && j > i + 3 ? j : i
    }

    /// A line holding only a time stamp, which separates blocks of a live text.
    static func isTimestampLine(_ t: ScalarText, _ r: Range<Int>) -> Bool {
        var digits = 0
        for i in r {
            let c = t[i]
            if Scalars.isDigit(c) {
                digits += 1
            } else if !(c == ":" || c == "-" || c == "/" || c == "." || c == "年" || c == "月" || c == "日"
                || c == "【"
                || c == "】" || c == "[" || c == "]" || Scalars.isSpace(c))
            {
                return false
            }
        }
        return digits >= 4
    }
}
