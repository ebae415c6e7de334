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
        content: UnsafeMutablePointer<xmlNode>, isDropped: (UnsafeMutablePointer<xmlNode>) -> Bool,
        visibleCharacters: (UnsafeMutablePointer<xmlNode>) -> Int
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
            ?? publishLine(body: body, content: content, isDropped: isDropped)

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
        func found(_ node: UnsafeMutablePointer<xmlNode>) -> Found? {
            let text = HTMLExtractor.TextWriter.inlineText(node)
            guard !text.isEmpty, text.unicodeScalars.count <= 200 else { return nil }
            return Found(headline: text, inContent: isInside(node, content), published: published)
        }
        // Headings in the article first, then anywhere on the page (a logo may be an <h1> too).
        var headings: [Found] = []
        for scope in [content, body] {
            let h1 = LibXML.elements(named: "h1", in: scope).first(where: visible)
            for node in [h1, firstTitleClass(in: scope, visible: visible, size: visibleCharacters)] {
                if let node, let f = found(node), !headings.contains(where: { $0.headline == f.headline }) {
                    headings.append(f)
                }
            }
        }
        let rawTitle = LibXML.firstElement(named: "title", in: root).map {
            HTMLExtractor.TextWriter.inlineText($0)
        }
        let pageTitle = rawTitle.map(withoutSiteName).flatMap { $0.isEmpty ? nil : $0 }
        // A heading that says what <title> says is the headline.
        if let pageTitle,
            let f = headings.first(where: { agrees($0.headline ?? "", pageTitle) })
        {
            return f
        }
        for key in titleMetas {
            if let value = metas[key], !value.isEmpty {
                let headline = withoutSiteName(value)
                return Found(
                    headline: headline,
                    inContent: headings.contains { $0.inContent && $0.headline == headline },
                    published: published)
            }
        }
        if let f = headings.first(where: \.inContent) { return f }
        // A heading above the article, unless it is the site's name (a logo) that <title> carries.
        if let f = headings.first(where: { h in
            guard let text = h.headline, let rawTitle, let pageTitle else { return true }
            return !(rawTitle.contains(text) && !pageTitle.contains(text)) && text.unicodeScalars.count >= 4
        }) {
            return f
        }
        return Found(headline: pageTitle, inContent: false, published: published)
    }

    /// Whether a heading and the page's title name the same article: equal, or one holding the
    /// other and not much shorter (a logo's `外交部` is inside many titles, but short).
    static func agrees(_ heading: String, _ title: String) -> Bool {
        if heading == title { return true }
        let h = heading.unicodeScalars.count
        let n = title.unicodeScalars.count
        return (title.contains(heading) && h * 3 >= n * 2) || (heading.contains(title) && n * 3 >= h * 2)
    }

    static let publishWords = ["发布时间", "發布時間", "发布日期", "發布日期", "發佈日期", "发表时间", "發表時間", "时间：", "時間：", "日期："]

    /// A publish-time line of the page above the article (`发布时间：2023-07-17 10:00 来源：国新网`),
    /// outside the extracted content: the text nodes before it, in document order.
    private static func publishLine(
        body: UnsafeMutablePointer<xmlNode>, content: UnsafeMutablePointer<xmlNode>,
        isDropped: (UnsafeMutablePointer<xmlNode>) -> Bool
    ) -> String? {
        var result: String? = nil
        var reachedContent = false
        var budget = 200  // text nodes looked at: the line sits near the headline
        func visit(_ node: UnsafeMutablePointer<xmlNode>) {
            var child = node.pointee.children
            while let c = child, result == nil, !reachedContent, budget > 0 {
                defer { child = c.pointee.next }
                if c == content {
                    reachedContent = true
                    return
                }
                if c.pointee.type == XML_TEXT_NODE, let raw = c.pointee.content {
                    budget -= 1
                    let text = String(cString: raw)
                    guard text.utf8.count < 300, DateText.firstDate(in: text) != nil else { continue }
                    let alone = text.unicodeScalars.filter { !$0.properties.isWhitespace }.count <= 20
                    if alone || publishWords.contains(where: { text.contains($0) }) { result = text }
                } else if c.pointee.type == XML_ELEMENT_NODE, !isDropped(c) {
                    visit(c)
                }
            }
        }
        visit(body)
        return result.map(collapse)
    }

    /// The first visible element whose class names it a title (`title`, `article-title`, `news_title`).
    private static func firstTitleClass(
        in node: UnsafeMutablePointer<xmlNode>, visible: (UnsafeMutablePointer<xmlNode>) -> Bool,
        size: (UnsafeMutablePointer<xmlNode>) -> Int
    ) -> UnsafeMutablePointer<xmlNode>? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                if let cls = LibXML.attribute(c, "class"),
                    cls.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).contains(
                        where: { titleClassWords.contains(String($0)) }),
                    case let n = size(c), n > 0, n <= 200, visible(c)
                {
                    // A container named `title-box` holding the whole article is no heading.
                    return c
                }
                if let found = firstTitleClass(in: c, visible: visible, size: size) { return found }
            }
            child = c.pointee.next
        }
        return nil
    }

    static let titleClassWords: Set<String> = ["title", "tit", "biaoti", "headline", "heading", "bt"]

    /// `<title>` less the site's name: the longest part between separators (`_`, `|`, ` - `,
    /// ` — `); a trailing `——…网站` is dropped too, while a `——` inside a headline stays.
    static func withoutSiteName(_ title: String) -> String {
        var parts = [title]
        for separator in ["_", "｜", "|", " - ", " — ", " – ", " -- ", " —— "] {
            parts = parts.flatMap { $0.components(separatedBy: separator) }
        }
        let trimmed = parts.map(collapse).filter { !$0.isEmpty }
        var best = trimmed.max { $0.unicodeScalars.count < $1.unicodeScalars.count } ?? title
        // `标题-国务院新闻办公室网站`: a hyphen without spaces, before a site's name (not `2022-08-02`).
        for hyphen in ["--", "-", "－"] {
            guard let dash = best.range(of: hyphen, options: .backwards) else { continue }
            let tail = best[dash.upperBound...]
            let head = best[..<dash.lowerBound]
            if !tail.isEmpty, tail.count < head.count, tail.count <= 20, !tail.contains(where: \.isNumber) {
                best = String(head).trimmingCharacters(in: .whitespaces)
                break
            }
        }
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
