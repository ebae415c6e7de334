import BriefingCore
import BriefingPages
import Foundation
import TestSupport

/// Transcripts written for the page tests, each in a style the pages must handle.
enum PageTranscripts {
    /// Markup in what people said: it must show as text, never run or load anything.
    static let escaping = """
        市政府新闻发布会答记者问
        主持人：各位记者朋友，下午好。今天介绍<script>alert(1)</script>专项行动的进展。
        人民日报记者：请问"><img src=x onerror=alert(1)>行动取得了哪些成效？
        市公安局副局长王明：今年以来，全市共破获案件1200余起，同比下降12.5%；抓获嫌疑人860名。我们开展了“净网2024”行动，开通举报热线12345。
        """
    static let escapingTexts = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]

    /// Traditional characters: the page must say `lang="zh-Hant"`.
    static let traditional = """
        記者會答問
        中央社記者：請問今年以來警方破獲詐騙案件多少起？
        警政署副署長陳大明：今年1至6月，共破獲詐騙案件3200餘起，較去年同期增加8.6%，逮捕嫌疑人4500多名。我們將持續推動「打詐綱領」，民眾可撥打165反詐騙專線。
        """

    /// A host's remarks around two exchanges, numbered points on their own lines, a law in 《》.
    static let remarksAndPoints = """
        省政府新闻办新闻发布会答记者问
        主持人：女士们、先生们，上午好。欢迎参加今天的新闻发布会。
        一、新华社记者：请介绍今年上半年全省安全生产情况。
        省应急管理厅厅长李强：2024年1月至6月，全省共发生生产安全事故312起，同比下降15.2%，死亡人数比上年同期减少27人。主要做了三方面工作：
        一是开展“安全生产月”活动，检查企业2.3万家；
        二是整治重大隐患1800余处；
        三是培训从业人员约15万人次。
        二、中国青年报记者：下一步有什么打算？
        省应急管理厅厅长李强：我们将在90天内完成全部整改，并依据《安全生产法》严肃追责。
        主持人：今天的发布会到此结束，谢谢大家。
        """

    /// The snapshot document of `text` as the daemon would write it.
    static func snapshot(
        _ text: String, source: Source = Source(kind: .inbox, name: "inbox", path: "/in/b.txt")
    )
        throws -> Snapshot
    {
        try BriefingPipeline.process(
            Array(text.utf8), hints: DecodeHints(fileName: "briefing.txt"), source: source,
            ingestedAt: Timestamp(millisecondsSinceEpoch: 1_795_925_402_123))
    }

    static func fixtureSnapshot() throws -> Snapshot {
        try BriefingPipeline.process(
            try Paths.fixtureBytes(), hints: DecodeHints(fileName: "nmg-public-security-briefing.txt"),
            source: Source(
                kind: .inbox, name: "inbox", path: "/var/lib/briefingd/inbox/nmg-public-security-briefing.txt"
            ),
            ingestedAt: Timestamp(millisecondsSinceEpoch: 1_795_925_402_123))
    }

    static func page(_ snapshot: Snapshot) throws -> String {
        let document = try PageSnapshot.decode(snapshot.jsonBytes(), path: "test.json")
        return try PageRenderer().page(document, jsonName: "test.json")
    }
}

/// Writes snapshots into `root/YYYY-MM-DD/<name>.json` as the daemon lays them out; returns the paths.
@discardableResult
func writeSnapshots(_ snapshots: [(Snapshot, day: String, time: String)], under root: String) throws
    -> [String]
{
    var paths: [String] = []
    for (snapshot, day, time) in snapshots {
        let dir = root + "/" + day
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/\(time)-\(snapshot.source.name)-\(snapshot.shortID).json"
        try Data(snapshot.jsonBytes()).write(to: URL(fileURLWithPath: path))
        paths.append(path)
    }
    return paths
}

/// Occurrences of `needle` in `haystack`.
func count(_ needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
