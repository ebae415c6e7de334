import CLibXML2

// An HTML page → the briefing's text. libxml2's forgiving HTML parser builds the tree; we keep the
// main content: the largest <article>, else <main>, else the element whose paragraphs hold the most
// text that is not link text. Navigation, headers, footers, asides, scripts, styles, forms and
// elements whose class or id says share/social/menu/breadcrumb/… are dropped. Block elements become
// lines, <br> a line break, table cells are separated by a tab. Whitespace collapses as a browser
// renders it, including CSS's rule that a line break between two CJK characters vanishes.

enum HTMLExtractor {
    struct Page {
        var text: String
        var title: String?
        /// The publish time of the page's meta tags, as written.
        var published: String?
        var actions: [NormalizationAction]
    }

    /// Deepest element nesting read. Real pages stay below a hundred levels; a page nesting deeper
    /// is refused with `html_too_deep` rather than read in part.
    static let maxDepth = 10_000

    static func extract(_ html: String) throws(InputError) -> Page {
        // libxml2 has converted the page to UTF-8 by now: the page's own charset no longer applies.
        guard
            let document = LibXML.parseHTML(Array(html.utf8), encoding: "UTF-8", ignoreDeclaredEncoding: true)
        else { throw .noText(format: .html) }
        defer { withExtendedLifetime(document) {} }  // the tree lives until the text is written
        guard let root = document.root else { throw .noText(format: .html) }
        let depth = LibXML.depth(of: root)
        if depth > maxDepth || document.stoppedEarly {
            throw .htmlTooDeep(depth: depth, limit: document.stoppedEarly ? min(depth, maxDepth) : maxDepth)
        }

        var walker = Walker()
        let body = LibXML.firstElement(named: "body", in: root) ?? root
        walker.survey(body)
        let content = walker.mainContent(body: body)
        var writer = TextWriter()
        writer.write(content, walker: walker)
        var text = writer.finish()
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw .noText(format: .html)
        }
        let found = HTMLHeadline.find(
            root: root, body: body, content: content, isDropped: walker.isDropped,
            visibleCharacters: { walker.measures[$0]?.text ?? 0 })
        let title = found.headline
        if let title, !found.inContent, !text.drop(while: { $0.isNewline }).hasPrefix(title) {
            // The headline opens the text, as the first line of a text file does: a briefing as a
            // page and as a .txt then gives the same text and turns.
            text = title + "\n" + text
        }
        var actions: [NormalizationAction] = []
        if walker.dropped > 0 {
            actions.append(
                NormalizationAction(
                    kind: .htmlBoilerplate, count: walker.dropped,
                    examples: Array(walker.droppedNames.prefix(3))))
        }
        return Page(
            text: text, title: (title?.isEmpty ?? true) ? nil : title, published: found.published,
            actions: actions)
    }

    // MARK: - Choosing the main content

    private static let droppedTags: Set<String> = [
        "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "button", "iframe", "svg",
        "template", "select", "textarea", "input", "canvas", "object", "embed", "audio", "video", "menu",
        "dialog", "head", "link", "meta",
    ]
    private static let droppedClassWords: Set<String> = [
        "nav", "navbar", "navigation", "menu", "share", "sharing", "social", "breadcrumb", "breadcrumbs",
        "sidebar", "footer", "comment", "comments", "advert", "ads", "related", "copyright", "toolbar",
        "bdsharebuttonbox", "topbar",
    ]

    struct Walker {
        var dropped = 0
        var droppedNames: [String] = []
        /// Per element: characters of text and of link text below it (dropped parts excluded).
        var measures: [UnsafeMutablePointer<xmlNode>: (text: Int, link: Int)] = [:]
        var bestParagraphs: (node: UnsafeMutablePointer<xmlNode>, score: Int)?
        var skip: Set<UnsafeMutablePointer<xmlNode>> = []

        mutating func survey(_ node: UnsafeMutablePointer<xmlNode>) {
            _ = measure(node, inLink: false)
        }

        func isDropped(_ node: UnsafeMutablePointer<xmlNode>) -> Bool { skip.contains(node) }

        /// Measures every element below `root` in one walk without recursion (pages may nest deeply).
        private mutating func measure(_ root: UnsafeMutablePointer<xmlNode>, inLink: Bool) -> (Int, Int) {
            // One frame per open element: its sums so far, and whether it is (inside) a link.
            var frames: [(text: Int, link: Int, paragraphScore: Int, isLink: Bool)] = []
            var result = (0, 0)
            LibXML.walk(
                root,
                enter: { node in
                    if LibXML.isText(node) {
                        guard !frames.isEmpty else { return false }
                        let n = LibXML.visibleLength(node)
                        frames[frames.count - 1].text += n
                        if frames[frames.count - 1].isLink {
                            frames[frames.count - 1].link += n
                        } else {
                            frames[frames.count - 1].paragraphScore += n
                        }
                        return false
                    }
                    guard LibXML.isElement(node) else { return false }
                    let name = LibXML.name(node)
                    if HTMLExtractor.droppedTags.contains(name) || Self.hasBoilerplateClass(node) {
                        skip.insert(node)
                        dropped += 1
                        if droppedNames.count < 3 && !droppedNames.contains("<\(name)>") {
                            droppedNames.append("<\(name)>")
                        }
                        return false
                    }
                    frames.append((0, 0, 0, (frames.last?.isLink ?? inLink) || name == "a"))
                    return true
                },
                leave: { node in
                    guard LibXML.isElement(node), !skip.contains(node), let f = frames.popLast() else {
                        return
                    }
                    measures[node] = (f.text, f.link)
                    if f.paragraphScore > (bestParagraphs?.score ?? 0) {
                        bestParagraphs = (node, f.paragraphScore)
                    }
                    if frames.isEmpty {
                        result = (f.text, f.link)
                    } else {
                        frames[frames.count - 1].text += f.text
                        frames[frames.count - 1].link += f.link
                        if HTMLExtractor.paragraphTags.contains(LibXML.name(node)) {
                            frames[frames.count - 1].paragraphScore += f.text - f.link
                        }
                    }
                })
            return result
        }

        private static func hasBoilerplateClass(_ node: UnsafeMutablePointer<xmlNode>) -> Bool {
            for attribute in ["class", "id", "role"] {
                guard let value = LibXML.attribute(node, attribute) else { continue }
                if attribute == "role" && value == "main" { return false }
                if attribute == "role"
                    && (value == "navigation" || value == "banner" || value == "contentinfo")
                {
                    return true
                }
                let words = value.lowercased().split { $0 == " " || $0 == "-" || $0 == "_" }
                if words.contains(where: { HTMLExtractor.droppedClassWords.contains(String($0)) }) {
                    return true
                }
            }
            return false
        }

        /// Largest <article>, else <main>/role=main, else the densest paragraph container when it holds
        /// at least half of the page's non-link text, else the whole body.
        func mainContent(body: UnsafeMutablePointer<xmlNode>) -> UnsafeMutablePointer<xmlNode> {
            let articles = LibXML.elements(named: "article", in: body).filter { !isDropped($0) }
            if let article = articles.max(by: { (measures[$0]?.text ?? 0) < (measures[$1]?.text ?? 0) }),
                (measures[article]?.text ?? 0) > 0
            {
                return article
            }
            if let main = LibXML.elements(named: "main", in: body).first(where: { !isDropped($0) }) {
                return main
            }
            let total = (measures[body]?.text ?? 0) - (measures[body]?.link ?? 0)
            if let best = bestParagraphs, best.score * 2 >= total {
                return best.node
            }
            return body
        }
    }

    static let paragraphTags: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "li", "span", "font", "strong", "b",
        "em",
    ]
    static let blockTags: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr", "section", "article",
        "main", "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption", "address", "hr", "center",
        "body",
        "caption", "thead", "tbody", "tfoot",
    ]

    // MARK: - Writing text

    struct TextWriter {
        private var out: [Unicode.Scalar] = []
        private var pendingSpace = false
        private var pendingNewlineInSpace = false
        private var cellsInRow = 0

        /// Writes the text below `root` (not `root` itself) in one walk without recursion.
        mutating func write(_ root: UnsafeMutablePointer<xmlNode>, walker: Walker) {
            // Open <pre> elements: inside any of them, white space is kept as written.
            var preformatted = 0
            LibXML.walk(
                root,
                enter: { c in
                    if c == root { return true }
                    if LibXML.isText(c) {
                        if let content = c.pointee.content {
                            text(
                                UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))),
                                preformatted: preformatted > 0)
                        }
                        return false
                    }
                    guard LibXML.isElement(c), !walker.isDropped(c) else { return false }
                    let name = LibXML.name(c)
                    if name == "br" {
                        newline()
                        return false
                    }
                    if name == "tr" { cellsInRow = 0 }
                    if name == "td" || name == "th" {
                        if cellsInRow > 0 {
                            pendingSpace = false
                            out.append("\t")
                        }
                        cellsInRow += 1
                    }
                    if HTMLExtractor.blockTags.contains(name) { newline() }
                    if name == "pre" { preformatted += 1 }
                    return true
                },
                leave: { c in
                    guard c != root, LibXML.isElement(c), !walker.isDropped(c) else { return }
                    let name = LibXML.name(c)
                    if name == "br" { return }
                    if name == "pre" { preformatted -= 1 }
                    if HTMLExtractor.blockTags.contains(name) { newline() }
                })
        }

        private mutating func newline() {
            pendingSpace = false
            pendingNewlineInSpace = false
            if let last = out.last, last != "\n" { out.append("\n") }
        }

        /// A text node's UTF-8 (libxml2 converted the page to UTF-8), decoded by hand: this is the
        /// inner loop of HTML extraction.
        private mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, preformatted: Bool) {
            var i = 0
            let n = bytes.count
            while i < n {
                let b0 = UInt32(bytes[i])
                var v = b0
                var length = 1
                if b0 >= 0xF0 && i + 3 < n {
                    v =
                        (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F)
                        << 6
                        | UInt32(bytes[i + 3] & 0x3F)
                    length = 4
                } else if b0 >= 0xE0 && i + 2 < n {
                    v = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                    length = 3
                } else if b0 >= 0xC0 && i + 1 < n {
                    v = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                    length = 2
                }
                i += length
                let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                if preformatted {
                    out.append(scalar == "\r" ? "\n" : scalar)
                    continue
                }
                switch scalar {
                case " ", "\t", "\n", "\r", "\u{0C}":
                    pendingSpace = true
                    if scalar == "\n" || scalar == "\r" { pendingNewlineInSpace = true }
                default:
                    if pendingSpace, let last = out.last, last != "\n", last != "\t" {
                        let cjkBreak =
                            pendingNewlineInSpace && ScalarClass.isCJK(last) && ScalarClass.isCJK(scalar)
                        if !cjkBreak { out.append(" ") }
                    }
                    pendingSpace = false
                    pendingNewlineInSpace = false
                    out.append(scalar)
                }
            }
        }

        func finish() -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: out)
            return String(view)
        }

        /// Text of an element on one line (titles).
        static func inlineText(_ node: UnsafeMutablePointer<xmlNode>) -> String {
            let raw = LibXML.text(node)
            return raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
    }
}
