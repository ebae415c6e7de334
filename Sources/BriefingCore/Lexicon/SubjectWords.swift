extension LexiconText {
    /// Words that trim the subject of a figure, tagged by what they do:
    /// `lead` is dropped from the front of the phrase before a figure (`全区共破获…` → `破获…`),
    /// `trail` from its end (`巡逻达` → `巡逻`), `place` ends a leading `在…` phrase
    /// (`在校园周边设立警务室` → `警务室`), `stop` ends the noun phrase after a measure word
    /// (`10个部门开展…` → `部门`), `agent` ends the doer before what was done
    /// (`全区公安机关已打掉…` → `打掉…`).
    static let subjectWords = """
        全区共 lead
        全區共 lead
        全区 lead
        全區 lead
        全市 lead
        全省 lead
        全国 lead
        全國 lead
        共计 lead trail
        共計 lead trail
        累计 lead agent
        累計 lead agent
        共 lead trail
        其中 lead
        最高可 lead
        先后 lead agent
        先後 lead agent
        已经 lead agent
        已 lead agent
        并 lead
        並 lead
        均 lead
        分别 lead
        分別 lead
        同时 lead
        同時 lead
        当前 lead
        當前 lead
        目前 lead
        此外 lead
        另外 lead
        还 lead
        還 lead
        、 lead
        和 lead stop
        及 lead stop
        即 lead
        确保 lead
        確保 lead
        达到 trail stop
        達到 trail stop
        达 trail
        達 trail
        为 trail stop
        為 trail stop
        总计 trail
        總計 trail
        合计 trail
        合計 trail
        约 trail
        約 trail
        是 trail
        有 trail lead
        等 trail stop
        近 trail
        超过 trail
        超過 trail
        可 trail
        只 trail
        从 trail
        從 trail
        到 trail
        增长到 trail
        增長到 trail
        连续 trail
        連續 trail
        僅 trail
        仅 trail
        设立 place
        設立 place
        设置 place
        設置 place
        建成 place
        建立 place
        安装 place
        安裝 place
        组建 place
        組建 place
        开通 place
        開通 place
        开展 stop
        開展 stop
        自发 stop
        自發 stop
        加入 stop
        参与 stop
        參與 stop
        进行 stop
        進行 stop
        实现 stop
        實現 stop
        共同 stop
        联合 stop
        聯合 stop
        签署 stop
        簽署 stop
        受到 stop
        的 stop
        与 stop
        與 stop
        在 stop
        同比 stop
        比 stop
        较 stop
        較 stop
        以 stop
        集中 stop
        增长 stop
        增長 stop
        增加 stop
        下降 stop
        减少 stop
        減少 stop
        """
}
