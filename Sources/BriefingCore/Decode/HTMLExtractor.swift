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

    static func extract(_ html: String) throws(InputError) -> Page {
        LibXML.initialize()
        var bytes = Array(html.utf8)
        bytes.append(0)
        let options =
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_COMPACT.rawValue
        let doc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                htmlReadMemory($0.baseAddress, Int32($0.count - 1), nil, "UTF-8", Int32(options))
            }
        }
        guard let doc else { throw .noText(format: .html) }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { throw .noText(format: .html) }

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
        let found = HTMLHeadline.find(root: root, body: body, content: content, isDropped: walker.isDropped)
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
                    kind: "html_boilerplate", count: walker.dropped,
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

        private mutating func measure(_ node: UnsafeMutablePointer<xmlNode>, inLink: Bool) -> (Int, Int) {
            let name = LibXML.name(node)
            if HTMLExtractor.droppedTags.contains(name) || Self.hasBoilerplateClass(node) {
                skip.insert(node)
                dropped += 1
                if droppedNames.count < 3 && !droppedNames.contains("<\(name)>") {
                    droppedNames.append("<\(name)>")
                }
                return (0, 0)
            }
            let isLink = inLink || name == "a"
            var text = 0
            var link = 0
            var paragraphScore = 0
            var child = node.pointee.children
            while let c = child {
                if c.pointee.type == XML_TEXT_NODE || c.pointee.type == XML_CDATA_SECTION_NODE {
                    let n = LibXML.visibleLength(c)
                    text += n
                    if isLink { link += n } else { paragraphScore += n }
                } else if c.pointee.type == XML_ELEMENT_NODE {
                    let (t, l) = measure(c, inLink: isLink)
                    text += t
                    link += l
                    if HTMLExtractor.paragraphTags.contains(LibXML.name(c)) { paragraphScore += t - l }
                }
                child = c.pointee.next
            }
            measures[node] = (text, link)
            if paragraphScore > (bestParagraphs?.score ?? 0) { bestParagraphs = (node, paragraphScore) }
            return (text, link)
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

        mutating func write(_ node: UnsafeMutablePointer<xmlNode>, walker: Walker, preformatted: Bool = false)
        {
            var child = node.pointee.children
            while let c = child {
                defer { child = c.pointee.next }
                switch c.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard let content = c.pointee.content else { continue }
                    text(
                        UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))),
                        preformatted: preformatted)
                case XML_ELEMENT_NODE:
                    if walker.isDropped(c) { continue }
                    let name = LibXML.name(c)
                    if name == "br" {
                        newline()
                        continue
                    }
                    if name == "tr" { cellsInRow = 0 }
                    if name == "td" || name == "th" {
                        if cellsInRow > 0 {
                            pendingSpace = false
                            out.append("\t")
                        }
                        cellsInRow += 1
                    }
                    let block = HTMLExtractor.blockTags.contains(name)
                    if block { newline() }
                    write(c, walker: walker, preformatted: preformatted || name == "pre")
                    if block { newline() }
                default:
                    continue
                }
            }
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
            let raw = LibXMLText.content(node)
            return raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
    }
}
