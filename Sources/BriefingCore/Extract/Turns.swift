// Paragraphs → turns: who speaks, where each turn's text starts and ends, and which answers
// belong to which question.

/// Turns, speakers and exchanges of a transcript, plus the front matter before the first turn.
struct TurnLayout {
    var speakers: [Speaker] = []
    var turns: [Turn] = []
    var exchanges: [Exchange] = []
    /// Non-empty paragraphs before the first turn (title, date line, lead).
    var frontMatter: [Range<Int>] = []
    /// Paragraphs from an end mark (`完`) on, such as a press release's date line.
    var backMatter: [Range<Int>] = []
    /// The first time-stamp line of a live text: when the briefing was held.
    var firstTimestamp: Range<Int>? = nil
}

enum TurnBuilder {
    static let maxMatchedSpeakers = 200
    /// How much front matter is searched for a speaker's title or chairing (`发言人汪文斌主持`).
    static let frontMatterWindow = 4000
    private struct Draft {
        var speaker: Int
        var info: LabelInfo
        var numbered: Bool
        var start: Int?
        var end: Int
        var number: Int? = nil
    }

    static func build(_ t: ScalarText) -> TurnLayout {
        var layout = TurnLayout()
        var infos: [LabelInfo] = []
        var byLabel: [String: Int] = [:]
        var drafts: [Draft] = []
        var presiding: Set<Int> = []

        func speaker(for info: LabelInfo) -> Int {
            if let k = byLabel[info.label] { return k }
            // Real briefings have a few dozen speakers; past that (a list, not a transcript) the
            // name matching below, linear in the speakers, is skipped to keep extraction linear.
            guard infos.count < maxMatchedSpeakers else {
                infos.append(info)
                byLabel[info.label] = infos.count - 1
                return infos.count - 1
            }
            // `发言人张华说` after `省公安厅副厅长张华：`, `答（张华）` after `张华：`: the same official.
            if info.kind == .official || info.kind == .answer, info.organization == nil, let name = info.name,
                let k = infos.firstIndex(where: {
                    $0.name == name
                        && ($0.kind == .official
                            || (info.kind == .answer && ($0.kind == .person || $0.kind == .answer)))
                })
            {
                byLabel[info.label] = k
                return k
            }
            // `张华：` or `李：` after `外交部发言人张华：` is the same person.
            if info.kind == .person, let name = info.name {
                let same = infos.indices.filter {
                    infos[$0].kind != .person && (infos[$0].name ?? "").hasPrefix(name)
                }
                if same.count == 1 {
                    byLabel[info.label] = same[0]
                    return same[0]
                }
            }
            var info = info
            if info.kind == .person, let name = info.name,
                let title = titleInFrontMatter(t, name: name, layout.frontMatter)
            {
                // `外交部发言人汪文斌主持例行记者会` above `汪文斌：` says who 汪文斌 is.
                info.kind = .official
                info.title = title
            }
            if let name = info.name, presides(t, name: name, layout.frontMatter) {
                presiding.insert(infos.count)
            }
            infos.append(info)
            byLabel[info.label] = infos.count - 1
            return infos.count - 1
        }

        // Whether the front matter gives a name a title; asked once per name.
        var titled: [String: Bool] = [:]
        func namedInFrontMatter(_ name: String) -> Bool {
            if let known = titled[name] { return known }
            let found = titleInFrontMatter(t, name: name, layout.frontMatter) != nil
            titled[name] = found
            return found
        }

        var ended = false
        for line in t.lines() {
            let p = t.trimmed(line)
            if p.isEmpty { continue }
            // `完` closes a press release: what follows (its date line) is back matter.
            if ended || isEndMark(t, p) {
                ended = true
                layout.backMatter.append(p)
                continue
            }
            if SpeakerLabels.isTimestampLine(t, p) {
                if layout.firstTimestamp == nil { layout.firstTimestamp = p }
                // `2020年6月5日` under the headline dates the briefing, as any front matter line does.
                if drafts.isEmpty { layout.frontMatter.append(p) }
                continue
            }
            if SpeakerLabels.isMatter(t, paragraph: p) {
                if drafts.isEmpty { layout.frontMatter.append(p) }
                continue
            }
            if var found = SpeakerLabels.find(t, paragraph: p),
                !found.info.weak
                    || weakLabelSpeaks(found.info, after: drafts.last)
                    // `陆慷首先宣布，…` before any question, by the spokesperson the headline names.
                    || (drafts.isEmpty && found.info.name.map(namedInFrontMatter) == true)
            {
                // `问1：` stands for the generic `问`, numbered; `答1：` is just its answer.
                let number = found.info.kind == .question ? found.info.number : nil
                found.info.number = nil
                let k = speaker(for: found.info)
                let content: Int? = found.contentStart < p.upperBound ? found.contentStart : nil
                if let last = drafts.last, last.speaker == k, !last.numbered {
                    // The same speaker again (a repeated heading, a block after a time stamp): one turn.
                    if let content {
                        if drafts[drafts.count - 1].start == nil { drafts[drafts.count - 1].start = content }
                        drafts[drafts.count - 1].end = p.upperBound
                    }
                    continue
                }
                drafts.append(
                    Draft(
                        speaker: k, info: found.info, numbered: number != nil, start: content,
                        end: p.upperBound,
                        number: number))
            } else if let (number, content) = numberedQuestion(t, p) {
                let k = speaker(for: LabelInfo(kind: .question, label: "问"))
                drafts.append(
                    Draft(
                        speaker: k, info: infos[k], numbered: true, start: content, end: p.upperBound,
                        number: number))
            } else if let last = drafts.last {
                if last.numbered {
                    // What follows a numbered question without a label is its answer.
                    let k = speaker(for: LabelInfo(kind: .answer, label: "答"))
                    drafts.append(
                        Draft(
                            speaker: k, info: infos[k], numbered: false, start: p.lowerBound,
                            end: p.upperBound))
                } else {
                    if last.start == nil { drafts[drafts.count - 1].start = p.lowerBound }
                    drafts[drafts.count - 1].end = p.upperBound
                }
            } else {
                layout.frontMatter.append(p)
            }
        }

        // `谢谢主持人。` opening someone else's turn: the speaker before was the host, however the
        // label names them (`新闻局副局长、新闻发言人 王晓明`).
        for n in drafts.indices.dropFirst() {
            let (before, after) = (drafts[n - 1], drafts[n])
            guard before.speaker != after.speaker, let start = after.start,
                infos[before.speaker].kind == .official || infos[before.speaker].kind == .person,
                thanksTheHost(t, at: start)
            else { continue }
            infos[before.speaker].kind = .host
        }
        // `出席发布会的有省交通运输厅厅长张建华`: the title the lead (or the host's opening words) gives
        // a speaker whose label is a name alone.
        var lead = layout.frontMatter
        for d in drafts where infos[d.speaker].kind == .host {
            if let start = d.start, start < frontMatterWindow { lead.append(start..<d.end) }
        }
        lead.sort { $0.lowerBound < $1.lowerBound }
        var asked: Set<Int> = []
        for d in drafts where !asked.contains(d.speaker) {
            asked.insert(d.speaker)
            let k = d.speaker
            guard infos[k].title == nil, let name = infos[k].name, name.unicodeScalars.count >= 2,
                infos[k].kind == .person || infos[k].kind == .official || infos[k].kind == .answer,
                let title = titleInFrontMatter(t, name: name, lead)
            else { continue }
            infos[k].title = title
            if infos[k].kind == .person { infos[k].kind = .official }
        }
        // Where nobody but the host answers (a spokesperson who chairs and answers alone, labelled
        // `主持人`), the host's turn right after a question is its answer.
        let hostAnswers = !drafts.contains {
            let kind = infos[$0.speaker].kind
            return kind == .official || kind == .answer || kind == .person
        }

        // `新闻发言人寿小丽主持` above a session where other officials answer: she chairs it, as host.
        // (A spokesman who presides and answers alone, as at the foreign ministry, stays official.)
        if !presiding.isEmpty,
            infos.indices.contains(where: { !presiding.contains($0) && infos[$0].kind == .official })
        {
            for k in presiding { infos[k].kind = .host }
        }

        // Speakers in order of first appearance among the turns that say something.
        var ids: [Int: String] = [:]
        var kinds: [Int: (asks: Bool, answers: Bool)] = [:]
        var openExchange = false
        for d in drafts {
            guard let start = d.start else { continue }
            let id: String
            if let known = ids[d.speaker] {
                id = known
            } else {
                id = "s\(layout.speakers.count + 1)"
                ids[d.speaker] = id
                layout.speakers.append(makeSpeaker(id: id, infos[d.speaker]))
            }
            let index = layout.turns.count
            let kind: Turn.Kind
            switch infos[d.speaker].kind {
            case .question, .reporter:
                kind = .question
            case .host:
                kind = hostAnswers && layout.turns.last?.kind == .question ? .answer : .remark
            case .answer, .official:
                kind = openExchange ? .answer : .remark
            case .person:
                let asks = t.at(d.end - 1) == "？" || t.at(d.end - 1) == "?"
                let afterQuestion = layout.turns.last?.kind == .question
                kind = asks && !afterQuestion ? .question : (openExchange ? .answer : .remark)
            }
            switch kind {
            case .question:
                layout.exchanges.append(Exchange(question: index, answers: []))
                openExchange = true
            case .answer:
                layout.exchanges[layout.exchanges.count - 1].answers.append(index)
            case .remark:
                // A host's `请张局长回答` between a question and its answer leaves the exchange open.
                break
            }
            layout.turns.append(
                Turn(
                    index: index, speaker: id, kind: kind, text: t.string(start..<d.end),
                    span: Span(start: start, end: d.end), number: d.number))
            var did = kinds[d.speaker] ?? (false, false)
            if kind == .question { did.asks = true }
            if kind == .answer { did.answers = true }
            kinds[d.speaker] = did
        }
        // A name alone says nothing of the role; what the person does does: who answers the
        // questions is an official, who only asks is a reporter.
        for (k, id) in ids where infos[k].kind == .person {
            // Ids are `s1`, `s2`, … in the order of `layout.speakers`.
            guard let did = kinds[k], let n = Int(id.dropFirst()), n >= 1, n <= layout.speakers.count else {
                continue
            }
            let s = n - 1
            if did.answers {
                layout.speakers[s].role = .official
            } else if did.asks {
                layout.speakers[s].role = .reporter
            }
        }
        return layout
    }

    /// Whether a bare name before a verb of saying (`陆慷说，`) opens a turn: right after a question,
    /// or as the speaker who is already speaking.
    private static func weakLabelSpeaks(_ info: LabelInfo, after last: Draft?) -> Bool {
        guard let last else { return false }
        switch last.info.kind {
        case .question, .reporter: return true
        default: return last.info.name != nil && last.info.name == info.name
        }
    }

    static func makeSpeaker(id: String, _ info: LabelInfo) -> Speaker {
        let role: Speaker.Role =
            switch info.kind {
            case .question, .reporter: .reporter
            case .answer, .official: .official
            case .host: .host
            case .person: .unknown
            }
        return Speaker(
            id: id, role: role, label: info.label, outlet: info.outlet, organization: info.organization,
            title: info.title, name: info.name)
    }

    /// `完`, `（完）`, `-完-`: the end of a press release.
    static func isEndMark(_ t: ScalarText, _ p: Range<Int>) -> Bool {
        guard p.count <= 5 else { return false }
        var sawEnd = false
        for i in p {
            switch t[i] {
            case "完": sawEnd = true
            case "（", "）", "(", ")", "-", "—", "－", " ", "【", "】": break
            default: return false
            }
        }
        return sawEnd
    }

    /// Whether the front matter says `name` chairs the briefing (`寿小丽主持`).
    static func presides(_ t: ScalarText, name: String, _ frontMatter: [Range<Int>]) -> Bool {
        let word = Array((name + "主持").unicodeScalars)
        // The front matter is in text order: stop at the window's end, however long it is.
        for p in frontMatter {
            guard p.lowerBound < frontMatterWindow else { break }
            var i = p.lowerBound
            while i + word.count <= min(p.upperBound, frontMatterWindow) {
                if t.matches(word, at: i) { return true }
                i += 1
            }
        }
        return false
    }

    /// `谢谢主持人`, `感谢主持人`, `謝謝主席` at `i`.
    static func thanksTheHost(_ t: ScalarText, at i: Int) -> Bool {
        let thanks =
            (t.at(i) == "谢" && t.at(i + 1) == "谢") || (t.at(i) == "謝" && t.at(i + 1) == "謝")
            || (t.at(i) == "感" && (t.at(i + 1) == "谢" || t.at(i + 1) == "謝"))
        guard thanks, let host = Lexicons.genericLabels.match(t, at: i + 2) else { return false }
        return host.tags.first == "host"
    }

    /// The title written right before `name` in the front matter (`发言人汪文斌`, `發言人 Kolas
    /// Yotaka`), if any.
    static func titleInFrontMatter(_ t: ScalarText, name: String, _ frontMatter: [Range<Int>]) -> String? {
        let word = Array(name.unicodeScalars)
        for p in frontMatter {
            guard p.lowerBound < frontMatterWindow else { break }
            var i = p.lowerBound
            while i + word.count <= min(p.upperBound, frontMatterWindow) {
                let titleEnd = t.at(i - 1) == " " ? i - 1 : i
                if t.matches(word, at: i),
                    let title = Lexicons.officialTitles.match(t, endingAt: titleEnd, floor: p.lowerBound)
                {
                    // `副主委兼發言人`, `司长、新闻发言人`: a chain of titles is one title.
                    var start = titleEnd - title.word.count
                    while t.at(start - 1) == "、" || t.at(start - 1) == "兼",
                        let more = Lexicons.officialTitles.match(t, endingAt: start - 1, floor: p.lowerBound)
                    {
                        start -= 1 + more.word.count
                    }
                    return t.string(start..<titleEnd)
                }
                i += 1
            }
        }
        return nil
    }

    /// `一）请问……？`, `1.……？`: a numbered question without a speaker label; its number and where
    /// its text starts. `1.` also numbers points of an answer, so it counts only before a paragraph
    /// that ends asking.
    static func numberedQuestion(_ t: ScalarText, _ p: Range<Int>) -> (Int, Int)? {
        // `（一）请问……？`: bracketed, as points are; a question only when the paragraph asks.
        let bracketed = t[p.lowerBound] == "（" || t[p.lowerBound] == "("
        let first = bracketed ? p.lowerBound + 1 : p.lowerBound
        var i = first
        var arabic = true
        while i < p.upperBound, i < first + 4 {
            if Scalars.isDigit(t[i]) {
                i += 1
            } else if ChineseNumerals.digitValue(t[i]) != nil || t[i] == "十" {
                arabic = false
                i += 1
            } else {
                break
            }
        }
        guard i > first, i + 1 < p.upperBound else { return nil }
        let marker = t[i]
        let asks = { (t.at(p.upperBound - 1) == "？" || t.at(p.upperBound - 1) == "?") }
        switch marker {
        case "）", ")":
            if bracketed {
                guard asks() else { return nil }
            } else {
                guard (i + 1..<p.upperBound).contains(where: { t[$0] == "？" || t[$0] == "?" }) else {
                    return nil
                }
            }
        case ".", "．", "、":
            guard arabic, asks(), !Scalars.isDigit(t.at(i + 1)) else { return nil }
        default:
            return nil
        }
        let number = arabic ? Int(t.string(first..<i)) : ChineseNumerals.value(t, first..<i)
        guard let number else { return nil }
        var content = i + 1
        while content < p.upperBound, Scalars.isSpace(t[content]) { content += 1 }
        return (number, content)
    }
}
