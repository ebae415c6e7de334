/// Whether a Chinese text is written in simplified or traditional characters, so that a page can
/// say `lang="zh-Hans"` or `zh-Hant` and the browser picks glyphs of the right region.
public enum ScriptVariant: String, Sendable {
    case simplified = "zh-Hans"
    case traditional = "zh-Hant"

    /// Counts characters that exist in only one of the two scripts (the frequent ones of press
    /// briefings); traditional wins only with more such characters than simplified.
    public static func detect(_ text: String) -> ScriptVariant {
        var simplified = 0
        var traditional = 0
        for scalar in text.unicodeScalars where scalar.value >= 0x4E00 {
            if simplifiedOnly.contains(scalar) {
                simplified += 1
            } else if traditionalOnly.contains(scalar) {
                traditional += 1
            }
        }
        return traditional > simplified ? .traditional : .simplified
    }

    // Pairs of common characters that differ between the scripts, in the same order.
    private static let simplifiedOnly = Set(
        "们这个国会来时为说对发经与关业机开过还进现问题点学区长门记者华语开实务体统设应报数据产员间应动员单后战岁总义书组织导项务级护厅局热线网络证据党处边检举严击犯罪环境药区县乡镇财税价养医疗药卫健计划调查执纪监视频讯联系续协违规则责"
            .unicodeScalars.filter { !sharedScalars.contains($0) })
    private static let traditionalOnly = Set(
        "們這個國會來時為說對發經與關業機開過還進現問題點學區長門記者華語開實務體統設應報數據產員間應動員單後戰歲總義書組織導項務級護廳局熱線網絡證據黨處邊檢舉嚴擊犯罪環境藥區縣鄉鎮財稅價養醫療藥衛健計劃調查執紀監視頻訊聯繫續協違規則責"
            .unicodeScalars.filter { !sharedScalars.contains($0) })
    /// Characters written the same in both scripts, which say nothing.
    private static let sharedScalars = Set("者局犯罪境查健".unicodeScalars)
}
