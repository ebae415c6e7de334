import CLibXML2
import Foundation

/// Briefing links on an HTML listing page: every `<a href>` resolved against the page (or its
/// `<base href>`), kept when the absolute URL matches the source's `links` pattern.
public enum IndexPage {
    /// Links in `html` fetched from `url` that match `pattern`, oldest first (listings put the
    /// newest at the top, so document order is reversed).
    public static func links(_ html: [UInt8], url: String, charset: String?, pattern: String)
        throws(ListingError)
        -> [ListedItem]
    {
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            throw ListingError(
                url: url, problem: "links pattern '\(pattern)' is not a valid regular expression")
        }
        guard let doc = XMLTree.parseHTML(html, url: url, charset: charset) else {
            throw ListingError(url: url, problem: "the index page could not be parsed as HTML")
        }
        defer { xmlFreeDoc(doc) }
        let all = XMLTree.elements(xmlDocGetRootElement(doc))
        var base = url
        if let tag = all.first(where: { XMLTree.name($0) == "base" }),
            let href = XMLTree.attribute(tag, "href"),
            let resolved = LinkResolver.absolute(href, base: url)
        {
            base = resolved
        }
        var seen = Set<String>()
        var found: [ListedItem] = []
        for a in all where XMLTree.name(a) == "a" {
            guard let href = XMLTree.attribute(a, "href"),
                let absolute = LinkResolver.absolute(href, base: base),
                absolute != url
            else { continue }
            let range = NSRange(absolute.startIndex..., in: absolute)
            guard regex.firstMatch(in: absolute, range: range) != nil, seen.insert(absolute).inserted else {
                continue
            }
            found.append(ListedItem(url: absolute))
        }
        return found.reversed()
    }
}
