import CLibXML2
import Foundation

// A page's headline and publish time. The headline is the article's own heading (`<h1>`, an element
// of class `title`), else the page's title metadata (`og:title`, `<meta name="ArticleTitle">`), else
// `<title>` without the site's name (`…_中华人民共和国外交部`, `外交部 | …`). The publish time comes
// from the meta tags content systems write (`PubDate`, `article:published_time`, …).

enum HTMLHeadline {
    struct Found {
        var headline: String?
        /// Whether the headline is an element of the extracted content, and so already in the text.
        var inContent: Bool
        var published: String?
    }

    static let titleMetas: [String] = ["og:title", "articletitle", "twitter:title"]
    static let publishedMetas: Set<String> = [
        "pubdate", "publishdate", "article:published_time", "firstpublishedtime", "datepublished",
        "publish_time", "publishtime", "dc.date", "dc.date.issued", "date",
    ]

    static func find(
        root: UnsafeMutablePointer<xmlNode>, body: UnsafeMutablePointer<xmlNode>,
        content: UnsafeMutablePointer<xmlNode>, isDropped: (UnsafeMutablePointer<xmlNode>) -> Bool
    ) -> Found {
        var metas: [String: String] = [:]
        for meta in LibXML.elements(named: "meta", in: root) {
            guard
                let key = LibXML.attribute(meta, "name") ?? LibXML.attribute(meta, "property")
                    ?? LibXML.attribute(meta, "itemprop"),
                let value = LibXML.attribute(meta, "content")
            else { continue }
            let k = key.lowercased()
            if metas[k] == nil { metas[k] = collapse(value) }
        }
        let published =
            publishedMetas.lazy.compactMap { metas[$0] }.first { !$0.isEmpty }
            ?? metas.first { publishedMetas.contains($0.key) }?.value

        func visible(_ node: UnsafeMutablePointer<xmlNode>) -> Bool {
            var n: UnsafeMutablePointer<xmlNode>? = node
            while let x = n, x != body {
                if isDropped(x) { return false }
                n = x.pointee.parent
            }
            return true
        }
        func isInside(_ node: UnsafeMutablePointer<xmlNode>, _ ancestor: UnsafeMutablePointer<xmlNode>)
            -> Bool
        {
            var n: UnsafeMutablePointer<xmlNode>? = node
            while let x = n {
                if x == ancestor { return true }
                n = x.pointee.parent
            }
            return false
        }
        func accept(_ node: UnsafeMutablePointer<xmlNode>?) -> Found? {
            guard let node, visible(node) else { return nil }
            let text = HTMLExtractor.TextWriter.inlineText(node)
            guard !text.isEmpty, text.unicodeScalars.count <= 200 else { return nil }
            return Found(headline: text, inContent: isInside(node, content), published: published)
        }
        if let found = accept(LibXML.elements(named: "h1", in: body).first(where: visible)) { return found }
        if let found = accept(firstTitleClass(in: body, visible: visible)) { return found }
        for key in titleMetas {
            if let value = metas[key], !value.isEmpty {
                return Found(headline: withoutSiteName(value), inContent: false, published: published)
            }
        }
        let title = LibXML.firstElement(named: "title", in: root).map {
            HTMLExtractor.TextWriter.inlineText($0)
        }
        return Found(
            headline: title.flatMap { $0.isEmpty ? nil : withoutSiteName($0) }, inContent: false,
            published: published)
    }

    /// The first visible element whose class names it a title (`title`, `article-title`, `news_title`).
    private static func firstTitleClass(
        in node: UnsafeMutablePointer<xmlNode>, visible: (UnsafeMutablePointer<xmlNode>) -> Bool
    ) -> UnsafeMutablePointer<xmlNode>? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                if let cls = LibXML.attribute(c, "class"),
                    cls.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).contains(
                        "title"),
                    visible(c), !HTMLExtractor.TextWriter.inlineText(c).isEmpty
                {
                    return c
                }
                if let found = firstTitleClass(in: c, visible: visible) { return found }
            }
            child = c.pointee.next
        }
        return nil
    }

    /// `<title>` less the site's name: the longest part between separators (`_`, `|`, ` - `,
    /// ` — `); a trailing `——…网站` is dropped too, while a `——` inside a headline stays.
    static func withoutSiteName(_ title: String) -> String {
        var parts = [title]
        for separator in ["_", "｜", "|", " - ", " — ", " – ", " -- ", " —— "] {
            parts = parts.flatMap { $0.components(separatedBy: separator) }
        }
        let trimmed = parts.map(collapse).filter { !$0.isEmpty }
        var best = trimmed.max { $0.unicodeScalars.count < $1.unicodeScalars.count } ?? title
        if let dash = best.range(of: "——", options: .backwards) {
            let tail = best[dash.upperBound...]
            if siteEndings.contains(where: { tail.hasSuffix($0) }), tail.count <= 16 {
                best = String(best[..<dash.lowerBound])
            }
        }
        return best
    }

    private static let siteEndings = [
        "网", "網", "网站", "網站", "官网", "官網", "门户", "門戶", "政府", "外交部", "新闻办", "新聞辦",
    ]

    private static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
