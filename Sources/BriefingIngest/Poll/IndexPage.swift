import BriefingCore
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
        guard let document = LibXML.parseHTML(html, url: url, encoding: charset), let root = document.root
        else {
            throw ListingError(url: url, problem: "the index page could not be parsed as HTML")
        }
        defer { withExtendedLifetime(document) {} }  // the tree lives until the links are read
        let all = LibXML.elements(in: root)
        var base = url
        if let tag = all.first(where: { LibXML.lowercasedName($0) == "base" }),
            let href = LibXML.attribute(tag, "href", caseInsensitive: true),
            let resolved = LinkResolver.absolute(href, base: url)
        {
            base = resolved
        }
        var seen = Set<String>()
        var found: [ListedItem] = []
        for a in all where LibXML.lowercasedName(a) == "a" {
            guard let href = LibXML.attribute(a, "href", caseInsensitive: true),
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
