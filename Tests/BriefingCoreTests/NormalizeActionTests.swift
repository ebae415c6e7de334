import BriefingCore
import Testing

// Each normalization rule on a small input: the text it gives and the action it records.

private func normalize(_ text: String) -> NormalizedText { TextNormalizer.normalize(text, format: .text) }

private func action(_ result: NormalizedText, _ kind: String) -> NormalizationAction? {
    result.actions.first { $0.kind.rawValue == kind }
}

@Test func fixtureLosesOnlyItsKnownDamage() throws {
    let result = normalize(Fixtures.briefing)
    #expect(result.text.hasPrefix("新闻发布会答记者问\n内蒙古广播电视台记者：在落实“五大任务”工作中，良好的社会治安环境至关重要。请问"))
    #expect(!result.text.contains("[bookmark:"))
    #expect(result.text.contains("\n二是我们始终牢记人民公安为人民的初心使命"))
    #expect(!result.text.contains("％"))
    #expect(result.text.contains("同比下降19.27%"))
    #expect(result.text.contains("“4·29” “5·07”"))  // a space between quotes is not between CJK characters
    #expect(result.text.split(separator: "\n").count == 46)
    #expect(!result.text.hasSuffix("\n"))
    #expect(
        action(result, "bookmark_marker")
            == NormalizationAction(kind: .bookmarkMarker, count: 1, examples: ["[bookmark: _GoBack]"]))
    #expect(
        action(result, "duplicated_speaker_label")
            == NormalizationAction(kind: .duplicatedSpeakerLabel, count: 1, examples: ["内蒙古广播电视台记者："]))
    #expect(action(result, "fullwidth_folded")?.count == 6)
    #expect(action(result, "hard_wrap_joined") == nil)
}

@Test func normalizingTwiceChangesNothing() {
    let once = normalize(Fixtures.briefing).text
    let twice = normalize(once)
    #expect(twice.text == once)
    #expect(twice.actions.isEmpty)
}

@Test(arguments: [
    ("甲[bookmark: _GoBack]乙", "甲乙", "bookmark_marker"),
    ("甲[footnoteRef:12]乙[endnoteRef:3]", "甲乙", "footnote_marker"),
    ("甲[image: media/image1.png]乙", "甲乙", "image_marker"),
    ("甲[Page]乙", "甲乙", "page_marker"),
    ("甲[]{#_GoBack .anchor}乙{#_Toc123456 .anchor}丙", "甲乙丙", "pandoc_anchor"),
    ("甲<a name=\"_GoBack\"></a>乙<A ID=\"x\"/>丙", "甲乙丙", "html_anchor"),
    ("详见HYPERLINK \"http://gat.nmg.gov.cn/\" 公安厅网站", "详见公安厅网站", "field_code"),
    ("目录 PAGEREF _Toc123456 \\h 3", "目录 3", "field_code"),
    ("{ TOC \\o \"1-3\" \\h \\z \\u }第一章", "第一章", "field_code"),
    ("甲\u{200B}乙\u{FEFF}丙\u{00AD}丁\u{2060}", "甲乙丙丁", "zero_width"),
    ("甲\r\n乙\r丙", "甲\n乙\n丙", "line_endings"),
    ("　　甲。\n\u{00A0}\u{00A0}乙。", "甲。\n乙。", "indent_spaces"),
    ("甲。  \n乙。\u{3000}", "甲。\n乙。", "trailing_spaces"),
    ("增长２１．７％，ＡＧＶ", "增长21.7%，AGV", "fullwidth_folded"),
    ("红头文 件", "红头文件", "cjk_space_removed"),
    ("Beijing\u{00A0}Daily", "Beijing Daily", "space_variants"),
    ("甲。\n\n\n乙。", "甲。\n乙。", "blank_lines"),
    ("e\u{0301}", "é", "unicode_nfc"),
    ("甲\u{0007}乙", "甲乙", "control_characters"),
])
func ruleRemovesItsArtifact(_ input: String, _ expected: String, _ kind: String) {
    let result = normalize(input)
    #expect(result.text == expected)
    #expect(action(result, kind) != nil, "\(result.actions)")
}

@Test func chinesePunctuationIsKept() {
    let text = "他说：“好，（一）；是吗？”《条例》、【注】……！"
    #expect(normalize(text).text == text)
}

@Test func repeatedLabelIsRemovedOnlyInsideItsOwnTurn() {
    let result = normalize("新华网记者：请问新华网记者：。成效如何？\n主持人：请新华网记者：提问。")
    #expect(result.text == "新华网记者：请问。成效如何？\n主持人：请新华网记者：提问。")
    #expect(action(result, "duplicated_speaker_label")?.count == 1)
}

@Test func labelAloneOnItsLineJoinsItsTurn() {
    let result = normalize("记者：\n\n习近平总书记强调：治国先治边。请问如何落实？\n处长王某：\n我们做了三件事。")
    #expect(result.text == "记者：习近平总书记强调：治国先治边。请问如何落实？\n处长王某：我们做了三件事。")
    #expect(action(result, "label_line_joined")?.count == 2)
}

@Test func anIntroductionEndingInAColonKeepsItsList() {
    let text = "我们采取了以下措施：\n一是加强巡逻。\n二是强化宣传。"
    #expect(normalize(text).text == text)
}

@Test func hardWrapsAreJoinedButTurnsListsAndHeadingsAreNot() {
    let wrapped = """
        标题不加标点
        内蒙古日报社记者：公安刑侦部门作为打击犯罪的主力军，据了解，近年来一直坚持依法严厉打击各
        类违法犯罪活动，请问今年以来取得了哪些成效？
        总队长张某：今年以来，全区公安机关刑侦部门聚焦打击各类突出犯罪，全力以赴开展各项工作，取得
        了明显成效，主要有以下几个方面的工作内容需要向大家简要介绍一下，请大家
        关注。
        一、主要措施
        一是加强侦查。
        二是强化打击
        三是深化治理。
        """
    let result = normalize(wrapped)
    #expect(
        result.text == """
            标题不加标点
            内蒙古日报社记者：公安刑侦部门作为打击犯罪的主力军，据了解，近年来一直坚持依法严厉打击各类违法犯罪活动，请问今年以来取得了哪些成效？
            总队长张某：今年以来，全区公安机关刑侦部门聚焦打击各类突出犯罪，全力以赴开展各项工作，取得了明显成效，主要有以下几个方面的工作内容需要向大家简要介绍一下，请大家关注。
            一、主要措施
            一是加强侦查。
            二是强化打击
            三是深化治理。
            """)
    #expect(action(result, "hard_wrap_joined")?.count == 3)
}

@Test func wrappedEnglishWordsKeepTheirSpace() {
    let text = """
        The spokesman said the police would continue to strengthen patrols around the
        schools and the markets during the summer holidays, and asked the public to
        report anything suspicious.
        """
    #expect(
        normalize(text).text
            == "The spokesman said the police would continue to strengthen patrols around the schools and the markets during the summer holidays, and asked the public to report anything suspicious."
    )
}

@Test func plainWordsThatLookLikeFieldKeywordsStay() {
    let text = "The TOC and REF pages list HYPERLINK styles."
    #expect(normalize(text).text == text)
}
