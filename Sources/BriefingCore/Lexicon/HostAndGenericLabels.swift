extension LexiconText {
    /// Labels that name a role rather than a person, tagged with what the turn is:
    /// `question`, `answer` or `host`.
    static let genericLabels = """
        问 question
        問 question
        提问 question
        提問 question
        提问者 question
        提問者 question
        媒体提问 question
        媒體提問 question
        记者提问 question
        記者提問 question
        有记者问 question
        有記者問 question
        记者问 question
        記者問 question
        记者 question
        記者 question
        传媒 question
        傳媒 question
        Q question
        答 answer
        回答 answer
        答复 answer
        答覆 answer
        A answer
        主持人 host
        主持 host
        司仪 host
        司儀 host
        主席 host
        """

    /// Text before a colon that is never a speaker label: front matter and announcements.
    static let nonLabels = """
        原标题
        原標題
        标题
        標題
        副标题
        责任编辑
        責任編輯
        编辑
        編輯
        来源
        來源
        作者
        时间
        時間
        日期
        地点
        地點
        主题
        主題
        关键词
        關鍵詞
        摘要
        附件
        注
        备注
        備註
        链接
        網址
        网址
        电话
        電話
        邮箱
        發佈日期
        发布时间
        發布時間
        发布日期
        新闻链接
        图片
        圖片
        视频
        視頻
        影片
        本报讯
        """

    /// Verbs of reported speech (`发言人张华说，…`).
    static let speechVerbs = """
        说
        說
        表示
        指出
        称
        稱
        介绍
        介紹
        回答
        答
        强调
        強調
        要求
        提出
        认为
        認為
        谈到
        談到
        透露
        宣布
        回应
        回應
        """
}
