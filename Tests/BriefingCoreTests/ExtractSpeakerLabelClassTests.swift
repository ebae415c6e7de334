import Testing

@testable import BriefingCore

// Speaker labels as publishers other than the fixture's write them: outlets in book-title marks,
// the spokesperson's bare name, Latin-script names, reported-speech transcripts, numbered questions
// without labels, repeated blocks by one speaker, and reported speech that is no label at all.

private func roles(_ b: Briefing) -> [String] { b.turns.map { "\($0.speaker):\($0.kind.rawValue)" } }

@Suite struct ExtractSpeakerLabelClassTests {
    @Test func outletsInBookTitleMarks() {
        let (b, text) = extractBriefing(
            """
            2022年8月2日外交部发言人华春莹主持例行记者会
            《中国日报》记者：请问中方对有关报道有何评论？
            华春莹：我们注意到有关报道。
            英国《金融时报》记者：第二个问题，中方是否会作出回应？
            华春莹：中方将采取坚决有力的措施。
            美国《華爾街日報》記者：請問外交部如何看待這一說法？
            华春莹：我刚才已经回答了这个问题。
            """)
        #expect(b.speakers.map(\.label) == ["《中国日报》记者", "华春莹", "英国《金融时报》记者", "美国《華爾街日報》記者"])
        #expect(b.speakers.map(\.role) == [.reporter, .official, .reporter, .reporter])
        #expect(b.speakers.map(\.outlet) == ["《中国日报》", nil, "英国《金融时报》", "美国《華爾街日報》"])
        #expect(
            roles(b) == ["s1:question", "s2:answer", "s3:question", "s2:answer", "s4:question", "s2:answer"])
        #expect(b.exchanges.count == 3)
        expectSpansHold(b, in: text)
    }

    @Test func theSpokespersonsNameAloneIsAnOfficial() {
        // Named as 发言人 in the headline: title 发言人.
        let (named, _) = extractBriefing(
            """
            2020年3月12日外交部發言人趙立堅主持例行記者會
            趙立堅：各位記者朋友，下午好。
            法新社記者：請問中方有何回應？
            趙立堅：中方的立場是一貫的。
            """)
        #expect(named.speakers[0].label == "趙立堅" && named.speakers[0].role == .official)
        #expect(named.speakers[0].title == "發言人" && named.speakers[0].name == "趙立堅")
        // Not named anywhere, but answers the reporters: an official without a title.
        let (answering, _) = extractBriefing(
            """
            例行记者会
            路透社记者：请问中方对此有何评论？
            华春莹：我们注意到有关报道。
            彭博社记者：还有一个问题。
            华春莹：请你向主管部门询问。
            """)
        #expect(answering.speakers.map(\.role) == [.reporter, .official, .reporter])
        #expect(answering.speakers[1].name == "华春莹" && answering.speakers[1].title == nil)
        #expect(roles(answering) == ["s1:question", "s2:answer", "s3:question", "s2:answer"])
    }

    @Test func reportedSpeechInsideAnAnswerIsNoLabel() {
        let (b, text) = extractBriefing(
            """
            例行记者会
            路透社记者：美方领导人近日发表讲话，中方有何评论？
            汪文斌：我们注意到有关报道。
            我也注意到拜登总统在讲话中表示：美方不寻求改变现状。
            习近平主席指出：中美两国合则两利、斗则俱伤。
            外交部长王毅强调：中方的立场是明确的。
            有关负责人介绍：今年以来双边贸易稳步增长。
            希望美方言行一致。
            """)
        #expect(b.speakers.map(\.label) == ["路透社记者", "汪文斌"])
        #expect(roles(b) == ["s1:question", "s2:answer"])
        #expect(b.turns[1].text.contains("拜登总统在讲话中表示：美方不寻求改变现状。"))
        #expect(b.turns[1].text.hasSuffix("希望美方言行一致。"))
        expectSpansHold(b, in: text)
    }

    @Test func latinScriptAndMixedLabels() {
        let (b, text) = extractBriefing(
            """
            # 行政院院會後記者會

            ### Kolas Yotaka：
            各位媒體朋友大家好，今天院會通過兩項法案。

            ### iThome 余至浩：
            請問資安法修正案何時上路？

            ### Kolas Yotaka：
            預計明年上路。

            ### John Smith：
            Could you comment on the new policy?

            ### 行政院發言人 Kolas Yotaka：
            政策內容已經公布在網站上。
            """)
        #expect(
            b.speakers.map(\.label) == ["Kolas Yotaka", "iThome 余至浩", "John Smith", "行政院發言人 Kolas Yotaka"])
        #expect(
            b.speakers[1].role == .reporter && b.speakers[1].outlet == "iThome" && b.speakers[1].name == "余至浩"
        )
        #expect(b.speakers[0].name == "Kolas Yotaka" && b.speakers[0].role == .official)
        #expect(b.speakers[2].name == "John Smith" && b.speakers[2].role == .reporter)
        #expect(b.speakers[3].title == "行政院發言人" && b.speakers[3].name == "Kolas Yotaka")
        #expect(roles(b) == ["s1:remark", "s2:question", "s1:answer", "s3:question", "s4:answer"])
        expectSpansHold(b, in: text)
    }

    @Test func reportedSpeechTranscript() {
        let (b, text) = extractBriefing(
            """
            2016年5月4日外交部发言人陆慷主持例行记者会
            陆慷说，应国务院总理邀请，某国总理将于5月10日访华。
            有记者问：据报道，某国将举行大选。中方对此有何评论？
            陆慷说，我们注意到有关报道。
            陆慷说，中方一贯主张各方通过对话解决分歧。
            有记者问：第二个问题，中方是否会派团出席？
            陆慷说，有消息我们会及时发布。
            """)
        #expect(b.speakers.map(\.label) == ["陆慷", "有记者问"])
        #expect(b.speakers[0].role == .official && b.speakers[0].title == "发言人")
        #expect(roles(b) == ["s1:remark", "s2:question", "s1:answer", "s2:question", "s1:answer"])
        // The second `陆慷说，` stays in the answer it continues.
        #expect(b.turns[2].text == "我们注意到有关报道。\n陆慷说，中方一贯主张各方通过对话解决分歧。")
        expectSpansHold(b, in: text)
    }

    @Test func reportedSpeechWithCommasAndColons() {
        let (b, text) = extractBriefing(
            """
            2015年3月2日外交部發言人洪磊主持例行記者會
            有記者問，據報道，某國將舉行大選。中方對此有何評論？
            洪磊說：我們注意到有關報道。
            洪磊說，中方一貫主張各方通過對話解決分歧。
            有記者問：中方是否會派團出席？
            洪磊表示，有消息我們會及時發布。
            習近平主席指出：中方願同各方一道努力。
            """)
        #expect(b.speakers.map(\.label) == ["有記者問", "洪磊"])
        #expect(b.speakers[1].role == .official && b.speakers[1].title == "發言人")
        #expect(roles(b) == ["s1:question", "s2:answer", "s1:question", "s2:answer"])
        #expect(b.turns[0].text.hasPrefix("據報道，"))
        #expect(b.turns[3].text == "有消息我們會及時發布。\n習近平主席指出：中方願同各方一道努力。")
        expectSpansHold(b, in: text)
    }

    @Test func numberedQuestionsWithoutLabels() {
        for (markers, script) in [
            (["一）", "二）", "三）"], "simplified"), (["1.", "2.", "3."], "simplified"),
            (["问1：", "问2：", "问3："], "simplified"), (["問1：", "問2：", "問3："], "traditional"),
            (["（一）", "（二）", "（三）"], "simplified"), (["提問一：", "提問二：", "提問三："], "traditional"),
            (["1、", "2、", "3、"], "simplified"),
        ] {
            let (b, text) = extractBriefing(
                """
                外交部发言人答记者问
                \(markers[0])请问中方如何看待有关协定生效以来的情况？
                中方愿同各方一道推动协定高质量实施。
                \(markers[1])今年以来双边贸易额是多少？
                据统计，1—4月双边贸易额约1200亿美元。
                \(markers[2])中方是否会派团出席会议？
                有消息我们会及时发布。
                """)
            #expect(
                b.turns.map(\.kind) == [.question, .answer, .question, .answer, .question, .answer],
                "\(script)")
            #expect(b.turns.compactMap(\.number) == [1, 2, 3], "\(markers)")
            #expect(b.turns[0].text == "请问中方如何看待有关协定生效以来的情况？", "\(markers)")
            #expect(b.turns[2].text == "今年以来双边贸易额是多少？", "\(markers)")
            #expect(b.turns[1].number == nil)
            #expect(b.exchanges.count == 3)
            // A numbered point inside an answer is still a point, not a question.
            expectSpansHold(b, in: text)
        }
    }

    @Test func numberedQuestionsAndAnswers() {
        let (b, _) = extractBriefing(
            """
            答记者问
            问1：今年以来有哪些进展？
            答1：主要有两方面进展。
            一方面，案件数量下降。
            问2：下一步有何打算？
            答2：继续推进。
            """)
        #expect(b.turns.map(\.kind) == [.question, .answer, .question, .answer])
        #expect(b.turns.map(\.number) == [1, nil, 2, nil])
        #expect(b.turns[1].text == "主要有两方面进展。\n一方面，案件数量下降。")
        #expect(b.speakers.map(\.label) == ["问", "答"])
    }

    @Test func numberedPointsInAnAnswerAreNotQuestions() {
        let (b, _) = extractBriefing(
            """
            新闻发布会
            记者：请问下一步有哪些措施？
            局长张华：主要有三项措施。
            1.深化专项行动。
            2.加强基层基础。
            """)
        #expect(roles(b) == ["s1:question", "s2:answer"])
        #expect(b.turns.allSatisfy { $0.number == nil })
        #expect(b.points.map(\.marker) == ["1.", "2."])
    }

    @Test func consecutiveBlocksBySameSpeakerAreOneTurn() {
        let (md, _) = extractBriefing(
            """
            # 記者會逐字稿

            ### 蘇貞昌：
            首先說明今天的重點。

            ### 蘇貞昌：
            第二點，防疫工作持續進行。

            ### 中央社記者：
            請問院長，何時解封？

            ### 蘇貞昌：
            要看疫情發展。
            """)
        #expect(roles(md) == ["s1:remark", "s2:question", "s1:answer"])
        #expect(md.turns[0].text.hasPrefix("首先說明今天的重點。") && md.turns[0].text.hasSuffix("防疫工作持續進行。"))
        let (live, _) = extractBriefing(
            """
            国务院新闻办公室新闻发布会文字实录
            2023-03-04 10:00:12
            国家发展改革委主任何立峰：谢谢主持人。先介绍总体情况。
            2023-03-04 10:05:40
            国家发展改革委主任何立峰：再介绍几组数据。
            2023-03-04 10:09:02
            新华社记者：请问今年的重点是什么？
            """)
        #expect(roles(live) == ["s1:remark", "s2:question"])
        #expect(live.turns[0].text.hasSuffix("再介绍几组数据。"))
    }

    @Test func openingStatementIsARemark() {
        let (b, _) = extractBriefing(
            """
            2024年1月5日外交部发言人毛宁主持例行记者会
            毛宁：应国务院总理邀请，某国总理将于1月10日至12日访华。
            总台央视记者：请介绍此访的安排。
            毛宁：双方将就双边关系交换意见。
            """)
        #expect(roles(b) == ["s1:remark", "s2:question", "s1:answer"])
        #expect(b.exchanges == [Exchange(question: 1, answers: [2])])
    }
}
