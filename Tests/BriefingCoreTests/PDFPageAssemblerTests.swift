import BriefingCore
import Testing

// Page lines → text, on hand-laid pages: furniture off the edges, wraps joined, paragraphs kept.

/// A4-like page: body from x 72 to 522, 12 pt type on a 20 pt pitch, 37 CJK characters a line.
private let leftMargin = 72.0
private let rightMargin = 522.0

/// A body line on `row`: full lines reach the right margin, others end after their characters.
private func line(_ text: String, row: Int, indent: Int = 0, full: Bool = false, top: Double = 90)
    -> PDFTextLine
{
    let left = leftMargin + Double(indent) * 12
    let right = full ? rightMargin : left + Double(text.count) * 12
    let y = top + Double(row) * 20
    return PDFTextLine(text, left: left, right: right, top: y, bottom: y + 12)
}

private func header(_ text: String) -> PDFTextLine {
    PDFTextLine(text, left: leftMargin, right: leftMargin + Double(text.count) * 9, top: 50, bottom: 59)
}

private func footer(_ text: String, at top: Double = 780) -> PDFTextLine {
    PDFTextLine(text, left: leftMargin, right: leftMargin + Double(text.count) * 9, top: top, bottom: top + 9)
}

private func count(_ result: PDFAssembledText, _ kind: String) -> Int {
    result.actions.first { $0.kind.rawValue == kind }?.count ?? 0
}

@Test(arguments: [
    "- 3 -", "3", "—12—", "第 3 页", "第3页 共12页", "共 12 页 第 3 页", "3/12", "Page 3 of 12", "page 7",
])
func pageNumbersInTheirUsualFormsAreRecognised(_ text: String) {
    #expect(PDFPageAssembler.isPageNumber(text))
}

@Test(arguments: ["2023年", "第三条", "3.5万", "10:30", "第3页的表格显示", "1/2 的人", "Page one", ""])
func linesThatOnlyContainNumbersAreNotPageNumbers(_ text: String) {
    #expect(!PDFPageAssembler.isPageNumber(text))
}

@Test func runningHeadersFootersAndPageNumbersAreRemovedFromEveryPage() {
    let bodies = ["主持人：今天通报有关情况。", "市公安局局长：谢谢主持人。", "记者：请问进展如何？"]
    let replies = ["主持人：请开始。", "主持人：请提问。", "市公安局局长：进展顺利。"]
    let pages = (1...3).map { n in
        PDFPageText(lines: [
            header("市政府新闻办公室"),
            line(bodies[n - 1], row: 0),
            line(replies[n - 1], row: 1),
            footer("新闻发布会实录"),
            footer("- \(n) -", at: 800),
        ])
    }
    let result = PDFPageAssembler.assemble(pages)
    #expect(!result.text.contains("市政府新闻办公室"))
    #expect(!result.text.contains("新闻发布会实录"))
    #expect(!result.text.contains("- 1 -") && !result.text.contains("- 2 -"))
    #expect(result.text.hasPrefix("主持人：今天通报有关情况。\n主持人：请开始。\n市公安局局长：谢谢主持人。\n"))
    #expect(count(result, "page_header") == 3)
    #expect(count(result, "page_footer") == 3)
    #expect(count(result, "page_number") == 3)
    #expect(result.actions.first { $0.kind.rawValue == "page_header" }?.examples == ["市政府新闻办公室"])
}

@Test func aHeaderThatVariesOnlyInItsPageNumberIsStillRunning() {
    let bodies = ["主持人：开始。", "记者：请问。", "发言人：答复。", "主持人：结束。"]
    let pages = (1...4).map { n in
        PDFPageText(lines: [header("新闻发布会答记者问 第\(n)页"), line(bodies[n - 1], row: 0)])
    }
    let result = PDFPageAssembler.assemble(pages)
    #expect(count(result, "page_header") == 4)
    #expect(result.text == bodies.joined(separator: "\n") + "\n")
}

@Test func aTitleOnOnePageOnlyIsNotFurniture() {
    let pages = [
        PDFPageText(lines: [line("新闻发布会答记者问", row: 0), line("主持人：开始。", row: 1)]),
        PDFPageText(lines: [line("记者：请问进展如何？", row: 0), line("发言人：进展顺利。", row: 1)]),
    ]
    let result = PDFPageAssembler.assemble(pages)
    #expect(result.text.hasPrefix("新闻发布会答记者问\n主持人：开始。\n"))
    #expect(result.actions.isEmpty)
}

@Test func cjkLinesWrappedByTheLayoutAreJoinedWithoutSpaces() {
    let page = PDFPageText(lines: [
        line("发言人：全区公安机关治安部门始终坚持以人民为中心的发展思想，深入", row: 0, full: true),
        line("开展专项行动，有力维护了社会治安大局", row: 1, full: true),
        line("持续平稳。", row: 2),
    ])
    let result = PDFPageAssembler.assemble([page])
    #expect(result.text == "发言人：全区公安机关治安部门始终坚持以人民为中心的发展思想，深入开展专项行动，有力维护了社会治安大局持续平稳。\n")
    #expect(count(result, "hard_wrap_joined") == 2)
}

@Test func latinWordsWrappedByTheLayoutKeepTheirSpace() {
    let page = PDFPageText(lines: [
        line("Spokesperson: the ministry will publish the", row: 0, full: true),
        line("figures for the first quarter of the year", row: 1, full: true),
        line("next week.", row: 2),
    ])
    #expect(
        PDFPageAssembler.assemble([page]).text
            == "Spokesperson: the ministry will publish the figures for the first quarter of the year next week.\n"
    )
}

@Test func paragraphBreaksStayBreaks() {
    let page = PDFPageText(lines: [
        line("一是加强巡逻防控，做到见警察、见警车、见警灯，全面提升群众安全", row: 0, full: true),
        line("感。", row: 1),  // short: the paragraph ends here
        line("二是强化源头治理，排查整治各类风险隐患一千二百余处，确保隐患", row: 2, indent: 2, full: true),
        line("动态清零。", row: 3),
        line("三是深化宣传教育，开展进社区、进校园、进企业活动三百余场次，持续", row: 5, full: true),
        line("提升群众防范意识。", row: 6),
    ])
    let result = PDFPageAssembler.assemble([page])
    let paragraphs = result.text.split(separator: "\n")
    #expect(paragraphs.count == 3)
    #expect(paragraphs.first == "一是加强巡逻防控，做到见警察、见警车、见警灯，全面提升群众安全感。")
    #expect(paragraphs.last == "三是深化宣传教育，开展进社区、进校园、进企业活动三百余场次，持续提升群众防范意识。")
}

@Test func anIndentOrAWiderGapStartsAParagraphEvenAfterAFullLine() {
    let page = PDFPageText(lines: [
        line("主持人：下面请市交通运输局副局长介绍春运期间的客运组织情况。", row: 0, full: true),
        line("市交通运输局副局长：好的。", row: 1, indent: 2),
        line("今年春运期间，全市预计发送旅客一千二百万人次，同比增长百分之", row: 2, full: true),
        line("记者：请问高铁站的接驳安排如何？", row: 4),  // set apart by one empty row
    ])
    let paragraphs = PDFPageAssembler.assemble([page]).text.split(separator: "\n")
    #expect(paragraphs.count == 4)
    #expect(paragraphs[1] == "市交通运输局副局长：好的。")
    #expect(paragraphs[3] == "记者：请问高铁站的接驳安排如何？")
}

@Test func aSpeakerLabelAfterAFinishedSentenceStartsATurnEvenAfterAFullLine() {
    let page = PDFPageText(lines: [
        line("主持人：请记者朋友们提问，提问前请通报所在的新闻机构名称，每位", row: 0, full: true),
        line("记者限提一个问题。", row: 1, full: true),
        line("新华社记者：请问今年的目标是什么？", row: 2, full: false),
    ])
    let paragraphs = PDFPageAssembler.assemble([page]).text.split(separator: "\n")
    #expect(paragraphs == ["主持人：请记者朋友们提问，提问前请通报所在的新闻机构名称，每位记者限提一个问题。", "新华社记者：请问今年的目标是什么？"])
}

@Test func aParagraphCutByAPageBreakIsJoinedAgain() {
    let pages = [
        PDFPageText(lines: [
            header("发布会实录"),
            line("发言人：截至目前，全市共破获各类刑事案件三千一百余起，抓获犯罪", row: 0, full: true),
            line("嫌疑人四千二百余名，追赃挽损一点二亿元，群众安全感满意度持续", row: 1, full: true),
            footer("- 1 -"),
        ]),
        PDFPageText(lines: [
            header("发布会实录"),
            line("提升。", row: 0),
            line("记者：谢谢。", row: 1),
            footer("- 2 -"),
        ]),
    ]
    let result = PDFPageAssembler.assemble(pages)
    #expect(result.text.contains("群众安全感满意度持续提升。\n记者：谢谢。\n"))
    #expect(count(result, "page_break_join") == 1)
    #expect(
        result.actions.first { $0.kind.rawValue == "page_break_join" }?.examples.first?.contains("持续") == true
    )
}

@Test func aParagraphEndingWithItsPageIsNotJoinedToTheNext() {
    let pages = [
        PDFPageText(lines: [
            line("发言人：今年以来，全市共开展安全检查一千余次，整改隐患八百余处，", row: 0, full: true),
            line("关停取缔非法经营场所二十余家，依法处罚违规企业三十余家，各项工作", row: 1, full: true),
            line("取得了明显成效。", row: 2),
        ]),
        PDFPageText(lines: [line("记者：请问下一步有何打算？", row: 0)]),
    ]
    let result = PDFPageAssembler.assemble(pages)
    #expect(result.text.hasSuffix("取得了明显成效。\n记者：请问下一步有何打算？\n"))
    #expect(count(result, "page_break_join") == 0)
}
