// The lines of a PDF's pages → the transcript's text. A PDF has no paragraphs, only lines placed on
// pages, plus furniture the typesetter repeats on every page. Pure: the lines come in as data.
//
// 1. Furniture is taken off the top and bottom edges of each page: page numbers (`- 3 -`, `第 3 页`,
//    `3/12`, `Page 3 of 12`, a bare `3`), and running headers and footers, i.e. the same line (digits
//    aside) at the same edge of at least half the pages, two at least.
// 2. Lines are joined into paragraphs as the layout shows them: a line that reaches the right margin
//    continues on the next, unless that next line is indented, set apart by a larger gap, or starts
//    a speaker turn or list item right after a finished sentence. CJK lines are joined without a
//    space; two Latin words get one.
// 3. A paragraph cut by a page break (the page's last line full, the next page's first line not
//    indented) is joined again.

/// One line of a PDF page's text layer, with its box in points from the page's top-left corner.
public struct PDFTextLine: Sendable, Equatable {
    public var text: String
    public var left: Double
    public var right: Double
    public var top: Double
    public var bottom: Double

    public init(_ text: String, left: Double, right: Double, top: Double, bottom: Double) {
        self.text = text
        self.left = left
        self.right = right
        self.top = top
        self.bottom = bottom
    }
}

/// The text-layer lines of one page, top to bottom in reading order.
public struct PDFPageText: Sendable, Equatable {
    public var lines: [PDFTextLine]
    public init(lines: [PDFTextLine]) { self.lines = lines }
}

/// Assembled text, one paragraph per line, and what was removed or joined on the way.
public struct PDFAssembledText: Sendable, Equatable {
    public var text: String
    public var actions: [NormalizationAction]
}

public enum PDFPageAssembler {
    /// How many lines from the top, and from the bottom, may be furniture.
    static let headerLines = 2
    static let footerLines = 3

    public static func assemble(_ pages: [PDFPageText]) -> PDFAssembledText {
        var tally = ActionTally()
        let bodies = stripFurniture(pages, tally: &tally)
        let paragraphs = joinLines(bodies, tally: &tally)
        var text = ""
        for p in paragraphs {
            text.unicodeScalars.append(contentsOf: p)
            text.unicodeScalars.append("\n")
        }
        return PDFAssembledText(text: text, actions: tally.actions)
    }

    // MARK: Furniture

    /// The page number a line consists of, recognised in the usual forms, or false.
    public static func isPageNumber(_ text: String) -> Bool {
        let s = String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
            .lowercased()
        guard !s.isEmpty, s.unicodeScalars.count <= 24 else { return false }
        return s.wholeMatch(of: #/[-–—－]?\d{1,5}[-–—－]?/#) != nil  // 3, - 3 -, —3—
            || s.wholeMatch(of: #/第\d{1,5}页([,，/]?共\d{1,5}页)?/#) != nil  // 第 3 页, 第 3 页 共 12 页
            || s.wholeMatch(of: #/共\d{1,5}页[,，/]?第\d{1,5}页/#) != nil
            || s.wholeMatch(of: #/\d{1,5}\/\d{1,5}/#) != nil  // 3/12
            || s.wholeMatch(of: #/(page|p\.)\d{1,5}(of\d{1,5})?/#) != nil  // Page 3, Page 3 of 12
    }

    /// A line with its digits folded, so that "第 3 页 新闻发布会" matches on every page.
    private static func furnitureKey(_ text: String) -> String {
        var key = String.UnicodeScalarView()
        var lastWasDigit = false
        for s in text.unicodeScalars where !s.properties.isWhitespace {
            let digit = s.properties.numericType == .decimal
            if digit {
                if !lastWasDigit { key.append("#") }
            } else {
                key.append(s)
            }
            lastWasDigit = digit
        }
        return String(key)
    }

    private static func isBlank(_ line: PDFTextLine) -> Bool {
        line.text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    static func stripFurniture(_ pages: [PDFPageText], tally: inout ActionTally) -> [[PDFTextLine]] {
        let lines = pages.map { $0.lines.filter { !isBlank($0) } }
        var tops: [String: Int] = [:]
        var bottoms: [String: Int] = [:]
        for page in lines {
            for key in Set(page.prefix(headerLines).map { furnitureKey($0.text) }) {
                tops[key, default: 0] += 1
            }
            for key in Set(page.suffix(footerLines).map { furnitureKey($0.text) }) {
                bottoms[key, default: 0] += 1
            }
        }
        // Repeated on half the pages: a first page often goes without the running header.
        let repeated = max(2, (pages.count + 1) / 2)
        return lines.map { page in
            var body = page[...]
            var removed = 0
            while removed < headerLines, let first = body.first {
                let text = trimmed(first.text)
                if isPageNumber(text) {
                    tally.add(.pageNumber, example: text)
                } else if tops[furnitureKey(text), default: 0] >= repeated {
                    tally.add(.pageHeader, example: text)
                } else {
                    break
                }
                body = body.dropFirst()
                removed += 1
            }
            removed = 0
            while removed < footerLines, let last = body.last {
                let text = trimmed(last.text)
                if isPageNumber(text) {
                    tally.add(.pageNumber, example: text)
                } else if bottoms[furnitureKey(text), default: 0] >= repeated {
                    tally.add(.pageFooter, example: text)
                } else {
                    break
                }
                body = body.dropLast()
                removed += 1
            }
            return Array(body)
        }
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let a = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let b = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[a...b])
    }

    // MARK: Paragraphs

    /// The body's margins and line spacing, learnt from all pages together.
    private struct Layout {
        var left: Double
        var right: Double
        var lineHeight: Double
        var pitch: Double?
        /// Whether lines were wrapped at a right margin at all: a column at least 20 characters wide
        /// with a quarter of its lines ending at the margin. Without that, no line counts as full.
        var wrapped: Bool

        init(_ pages: [[PDFTextLine]]) {
            let all = pages.joined()
            left = all.map(\.left).min() ?? 0
            // The right margin is where most lines end: a stray wide line (a table row) does not move it.
            let rights = all.map(\.right).sorted()
            right = rights.isEmpty ? 0 : rights[rights.count * 9 / 10]
            let heights = all.map { $0.bottom - $0.top }.filter { $0 > 0 }.sorted()
            lineHeight = heights.isEmpty ? 12 : heights[heights.count / 2]
            var steps: [Double] = []
            for page in pages where page.count > 1 {
                for i in 1..<page.count {
                    let step = page[i].top - page[i - 1].top
                    if step > lineHeight / 2 { steps.append(step) }
                }
            }
            steps.sort()
            pitch = steps.isEmpty ? nil : steps[steps.count / 2]
            let (margin, tolerance) = (right, lineHeight)
            let atMargin = rights.count - (rights.firstIndex { $0 >= margin - tolerance } ?? rights.count)
            wrapped = right - left >= 20 * lineHeight && atMargin >= 2 && atMargin * 4 >= rights.count
        }

        /// Reaches the right margin, give or take what a wrap leaves over (a character or a number).
        func isFull(_ line: PDFTextLine) -> Bool { wrapped && line.right >= right - 2.5 * lineHeight }
        func isIndented(_ line: PDFTextLine) -> Bool { line.left > left + 0.8 * lineHeight }
        func isSetApart(_ line: PDFTextLine, after previous: PDFTextLine) -> Bool {
            guard let pitch else { return false }
            return line.top - previous.top > pitch * 1.3
        }
    }

    static func joinLines(_ pages: [[PDFTextLine]], tally: inout ActionTally) -> [[Unicode.Scalar]] {
        let layout = Layout(pages)
        var paragraphs: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var previous: PDFTextLine?
        for page in pages {
            for (index, line) in page.enumerated() {
                let scalars = Array(trimmed(line.text).unicodeScalars)
                guard let prev = previous, !current.isEmpty else {
                    current = scalars
                    previous = line
                    continue
                }
                let pageBreak = index == 0
                var joins = layout.isFull(prev) && !layout.isIndented(line)
                if joins, !pageBreak, layout.isSetApart(line, after: prev) { joins = false }
                if joins, let last = current.last, ScalarClass.isSentenceFinal(last),
                    LineShape.labelLength(scalars[...]) != nil || LineShape.isListItem(scalars[...])
                {
                    joins = false
                }
                if joins {
                    if pageBreak {
                        tally.add(.pageBreakJoin) {
                            String(String.UnicodeScalarView(current.suffix(8))) + " ⏎ "
                                + String(String.UnicodeScalarView(scalars.prefix(8)))
                        }
                    } else {
                        tally.add(.hardWrapJoined)
                    }
                    // A wrapped Latin word boundary; CJK text, and the curly quotes it uses, take no space.
                    if let a = current.last, let b = scalars.first, a.value < 0x2000, b.value < 0x2000 {
                        current.append(" ")
                    }
                    current.append(contentsOf: scalars)
                } else {
                    paragraphs.append(current)
                    current = scalars
                }
                previous = line
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }
}
