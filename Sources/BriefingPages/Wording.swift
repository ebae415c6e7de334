/// The words pages use for the snapshot's codes, numbers and times.
enum Wording {
    static func role(_ role: String) -> String {
        switch role {
        case "reporter": "记者"
        case "official": "发布人"
        case "host": "主持人"
        default: "发言人"
        }
    }

    static func turnKind(_ kind: String) -> String {
        switch kind {
        case "question": "问"
        case "answer": "答"
        default: "发言"
        }
    }

    static func dateSource(_ source: String) -> String {
        switch source {
        case "title": "见于标题"
        case "meta": "见于网页元数据"
        case "text": "见于正文"
        case "url": "见于网址"
        case "feed": "见于订阅源"
        case "http": "见于 HTTP 响应头"
        default: "来源：\(source)"
        }
    }

    static func approx(_ approx: String?) -> String {
        switch approx {
        case "over": "以上（余、多、超过）"
        case "about": "约数"
        case "nearly": "接近（近、将近）"
        case "under": "以下（不足、最高）"
        case "exact", nil: "确数"
        default: approx ?? ""
        }
    }

    static func basis(_ basis: String?) -> String {
        switch basis {
        case "year_on_year": "同比"
        case "period_on_period": "环比"
        default: "较前"
        }
    }

    static func namedKind(_ kind: String) -> String {
        switch kind {
        case "document": "文件与法规"
        case "quoted": "行动与提法"
        case "case": "案件"
        case "hotline": "热线"
        default: kind
        }
    }

    static let namedKindOrder = ["document", "quoted", "case", "hotline"]

    static func repair(_ kind: String) -> String {
        switch kind {
        case "bookmark_marker": "删除书签标记"
        case "duplicated_speaker_label": "删除重复的发言人标签"
        case "fullwidth_folded": "全角字符转为半角"
        case "blank_lines": "合并空行"
        case "mojibake": "修复乱码"
        case "encoding": "编码转换"
        default: kind.replacingUnderscores
        }
    }

    /// `6100`, `19.27`, `10951000`: whole numbers without a fraction, others as the shortest decimal.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(value)
    }

    /// `2026-11-29T04:10:02.123Z` → `2026-11-29 04:10 UTC`
    static func time(_ rfc3339: String) -> String {
        let u = Array(rfc3339.unicodeScalars)
        guard u.count >= 16, u[10] == "T" else { return rfc3339 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: u[0..<10])
        view.append(" ")
        view.append(contentsOf: u[11..<16])
        return String(view) + " UTC"
    }

    /// An HTML `datetime` duration (`P90D`, `PT5H`); ISO years, months and weeks are not valid there.
    static func htmlDuration(_ iso: String) -> String? {
        let u = Array(iso.utf8)
        guard u.first == UInt8(ascii: "P"), u.count > 2 else { return nil }
        let allowed = Set("0123456789DTHMS.".utf8)
        // Months before a `T` mean calendar months, which HTML durations cannot say.
        if let t = u.firstIndex(of: UInt8(ascii: "T")) {
            if u[..<t].contains(UInt8(ascii: "M")) { return nil }
        } else if u.contains(UInt8(ascii: "M")) {
            return nil
        }
        return u.dropFirst().allSatisfy(allowed.contains) ? iso : nil
    }

    /// The file name of a path.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The first `limit` characters of a text, with an ellipsis when cut.
    static func excerpt(_ text: String, limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit)) + "…"
    }
}

extension String {
    fileprivate var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
