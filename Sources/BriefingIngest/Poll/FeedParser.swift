import BriefingCore
import CLibXML2
import Foundation

/// One briefing a feed or index page points to.
public struct ListedItem: Sendable, Equatable {
    /// Absolute http(s) URL, without fragment.
    public var url: String
    /// Publication or update time, when the feed gives one.
    public var date: Date?

    public init(url: String, date: Date? = nil) {
        self.url = url
        self.date = date
    }
}

/// A listing (feed or index page) that cannot be read.
public struct ListingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var problem: String
    public var description: String { "\(url): \(problem)" }
}

/// What a listing holds: its items, and what could not be read of it (the items are still taken).
public struct Listing: Sendable, Equatable {
    public var items: [ListedItem]
    /// Parts of the listing that were skipped, each said so that an operator can act on it.
    public var problems: [String] = []

    public init(items: [ListedItem], problems: [String] = []) {
        self.items = items
        self.problems = problems
    }
}

/// Item links of an RSS 2.0 (also RSS 1.0) or Atom feed, oldest first.
public enum FeedParser {
    static let atomNamespace = "http://www.w3.org/2005/Atom"

    /// Parses `bytes` fetched from `url` (used to resolve relative links).
    public static func items(_ bytes: [UInt8], url: String) throws(ListingError) -> [ListedItem] {
        try read(bytes, url: url).items
    }

    /// The feed's items and what could not be read. Entities the feed declares are never expanded
    /// (a billion-laughs entity reads as nothing): items using one lose that text, the others are kept.
    public static func read(_ bytes: [UInt8], url: String) throws(ListingError) -> Listing {
        guard let document = LibXML.parseXML(bytes, recover: true) else {
            throw ListingError(
                url: url, problem: "not an XML document; is this really a feed? (use kind: index for HTML)")
        }
        defer { withExtendedLifetime(document) {} }  // the tree lives until the items are read
        guard let root = document.root else {
            throw ListingError(url: url, problem: "the feed has no root element")
        }
        let rootName = LibXML.lowercasedName(root)
        var found: [ListedItem] = []
        var unreadable = 0
        switch rootName {
        case "feed":
            for entry in LibXML.elements(in: root) where LibXML.lowercasedName(entry) == "entry" {
                if let item = atomEntry(entry, base: url) { found.append(item) } else { unreadable += 1 }
            }
        case "rss", "rdf":
            for item in LibXML.elements(in: root) where LibXML.lowercasedName(item) == "item" {
                if let item = rssItem(item, base: url) { found.append(item) } else { unreadable += 1 }
            }
        default:
            throw ListingError(
                url: url,
                problem: "root element <\(rootName)> is neither RSS (<rss>, <rdf:RDF>) nor Atom (<feed>)")
        }
        var problems: [String] = []
        if document.ignoredEntityDeclarations > 0 {
            problems.append(
                "the feed declares \(document.ignoredEntityDeclarations) entities, which are never expanded; "
                    + "\(unreadable) items without a readable link were skipped")
        }
        if document.stoppedEarly {
            problems.append("the XML parser stopped before the end of the feed; later items are missing")
        }
        return Listing(items: oldestFirst(found), problems: problems)
    }

    private static func rssItem(_ item: xmlNodePtr, base: String) -> ListedItem? {
        var link: String?
        var guid: String?
        var date: Date?
        for child in LibXML.childElements(item) {
            switch LibXML.lowercasedName(child) {
            // atom:link inside an item is rare and usually rel=self; the plain <link> is the page.
            case "link" where LibXML.namespace(child) != atomNamespace: link = text(child)
            case "guid":
                if LibXML.attribute(child, "isPermaLink", caseInsensitive: true)?.lowercased() != "false" {
                    guid = text(child)
                }
            case "pubdate", "date": date = date ?? FeedDate.parse(text(child))
            default: break
            }
        }
        guard let target = [link, guid].compactMap({ $0 }).first(where: { !$0.isEmpty }),
            let absolute = LinkResolver.absolute(target, base: base)
        else { return nil }
        return ListedItem(url: absolute, date: date)
    }

    private static func atomEntry(_ entry: xmlNodePtr, base: String) -> ListedItem? {
        var link: String?
        var published: Date?
        var updated: Date?
        for child in LibXML.childElements(entry) {
            switch LibXML.lowercasedName(child) {
            case "link":
                let rel = LibXML.attribute(child, "rel", caseInsensitive: true) ?? "alternate"
                if rel == "alternate", link == nil {
                    link = LibXML.attribute(child, "href", caseInsensitive: true)
                }
            case "published": published = FeedDate.parse(text(child))
            case "updated": updated = FeedDate.parse(text(child))
            default: break
            }
        }
        guard let link, let absolute = LinkResolver.absolute(link, base: base) else { return nil }
        return ListedItem(url: absolute, date: published ?? updated)
    }

    /// All text inside the element, trimmed.
    private static func text(_ node: xmlNodePtr) -> String {
        LibXML.text(node).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Feeds list newest first by convention; dates, when every item has one, decide instead.
    static func oldestFirst(_ items: [ListedItem]) -> [ListedItem] {
        var seen = Set<String>()
        let unique = items.filter { seen.insert($0.url).inserted }
        if !unique.isEmpty, unique.allSatisfy({ $0.date != nil }) {
            // Stable: for equal dates, later in the document counts as older.
            return unique.enumerated().sorted { a, b in
                a.element.date! != b.element.date! ? a.element.date! < b.element.date! : a.offset > b.offset
            }.map(\.element)
        }
        return unique.reversed()
    }
}

/// Feed dates: RFC 822 (RSS `pubDate`) and RFC 3339 (Atom, Dublin Core).
enum FeedDate {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if let d = try? Date(trimmed, strategy: .iso8601) { return d }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        for format in [
            "EEE, dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm:ss zzz", "dd MMM yyyy HH:mm:ss Z",
            "EEE, dd MMM yyyy HH:mm Z", "yyyy-MM-dd'T'HH:mm:ss.SSSZZZZZ", "yyyy-MM-dd'T'HH:mm:ssZZZZZ",
            "yyyy-MM-dd",
        ] {
            formatter.dateFormat = format
            if let d = formatter.date(from: trimmed) { return d }
        }
        return nil
    }
}

/// Turns an href into an absolute http(s) URL without fragment, or nil for anything else
/// (`mailto:`, `javascript:`, `file:` …).
enum LinkResolver {
    static func absolute(_ href: String, base: String) -> String? {
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, let baseURL = URL(string: base) else { return nil }
        // Hrefs with spaces or raw non-ASCII characters are common in the wild: percent-encode them.
        let encoded = trimmed.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? trimmed
        guard
            let resolved = URL(string: trimmed, relativeTo: baseURL)
                ?? URL(string: encoded, relativeTo: baseURL),
            var components = URLComponents(url: resolved.absoluteURL, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            components.host?.isEmpty == false
        else { return nil }
        components.fragment = nil
        if components.path.isEmpty { components.path = "/" }
        return components.url?.absoluteString
    }

    /// Everything a URL may hold literally, plus `%` so existing escapes survive.
    private static let allowed = CharacterSet.urlQueryAllowed.union(.urlPathAllowed).union(
        CharacterSet(charactersIn: "%#?"))
}
