// A short traditional-Chinese briefing, written for these tests (not a real transcript), shaped like
// the Hong Kong and Taiwan briefings the daemon receives: a title, reporters' questions, officials'
// answers with list items, figures and percentages. `hongKongLine` holds 鰂 (U+9C02), a character
// only Big5-HKSCS can encode.

enum TraditionalBriefing {
    static let text = """
        記者會答問實錄
        香港電台記者：請問警方今年在打擊電話詐騙方面採取了哪些措施？成效如何？
        警務處處長何志明：多謝你的提問。今年以來，警方一直把打擊電話詐騙作為重點工作，主要做了三方面的工作。
        一是加強宣傳教育。警方聯同多個政府部門在全港十八區舉辦防騙講座共320場，參加人數超過4.5萬人次，並在港鐵站、巴士站等地方張貼宣傳海報。
        二是強化跨部門合作。警方與金融管理局及各大銀行建立快速止付機制，今年首八個月共攔截涉案款項約1.2億元，比去年同期增加35.6%。
        三是嚴厲打擊犯罪集團。警方今年共拘捕涉及詐騙案件的人士1,086名，破獲犯罪集團27個。
        總括而言，今年首八個月錄得的電話詐騙案件共2,315宗，比去年同期下降18.4%，但市民仍須提高警覺。
        明報記者：近期有市民反映收到假冒政府部門的短訊，警方有甚麼建議？
        警務處處長何志明：市民收到可疑短訊時，切勿點擊其中的連結，也不要向陌生人透露個人資料及銀行帳戶密碼。如有懷疑，可致電「防騙易」熱線18222查詢。我們會繼續與電訊商合作，在短訊發送人名稱前加上識別標籤，讓市民更容易分辨真假。
        經濟日報記者：政府會否考慮修訂法例，加重對詐騙罪行的刑罰？
        保安局副局長陳國強：政府一直密切留意相關情況。我們正研究修訂《電訊條例》，並會在年底前諮詢立法會。具體而言，有以下幾點：
        （一）要求電訊商核實預付電話卡用戶的身分；
        （二）賦權執法部門要求網上平台移除詐騙廣告；
        （三）提高協助詐騙集團洗錢的最高刑罰。
        我們希望在明年上半年向立法會提交條例草案。
        """

    /// Added to `text` for the Big5-HKSCS variants.
    static let hongKongLine = "警方亦會在鰂魚涌及北角一帶加強巡邏，提醒長者防範騙案。"
}
