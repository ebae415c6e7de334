import CLibXML2

// A .docx → the text of its body. ``DocxArchive`` unpacks the archive in memory; libxml2 parses
// word/document.xml. Paragraphs (w:p) come in body order, one per line; runs give w:t text,
// w:tab a tab, w:br/w:cr a line break. Tables become one line per row with cells separated by a
// tab. Never in the text: field instructions (w:instrText; the field's displayed result stays),
// deleted text (w:del, w:delText), bookmarks, comments, footnote/endnote references (the notes
// themselves live in other parts and are dropped), drawings and text boxes.

enum DocxExtractor {
    /// - Parameter maxCharacters: longest text accepted; an XML holding far more text is refused
    ///   before libxml2 builds its tree.
    static func extract(_ bytes: [UInt8], maxCharacters: Int = PipelineOptions.defaultMaxTextCharacters)
        throws(InputError) -> DecodedInput
    {
        let xml = try DocxArchive.documentXML(bytes)
        let markupText = textCharacters(inMarkup: xml)
        if markupText > 2 * maxCharacters {
            throw .textTooLarge(characters: markupText, limit: maxCharacters)
        }
        // No recovery and libxml2's limits kept: a damaged or bomb-like document.xml is refused.
        guard let document = LibXML.parseXML(xml, recover: false) else {
            throw .invalidDocx(reason: "word/document.xml is not well-formed XML")
        }
        defer { withExtendedLifetime(document) {} }  // the tree lives until the text is written
        guard let root = document.root, let body = LibXML.firstElement(named: "body", in: root) else {
            throw .invalidDocx(reason: "word/document.xml has no w:body")
        }
        var writer = Writer()
        writer.limit = maxCharacters
        writer.blocks(body)
        if writer.characters > maxCharacters {
            throw .textTooLarge(characters: writer.characters, limit: maxCharacters)
        }
        let text = writer.text()
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw .noText(format: .docx)
        }
        return DecodedInput(
            text: text, format: .docx, encoding: .utf8, confidence: 1, bom: false, replacementCharacters: 0,
            titleHint: writer.title, actions: writer.tally.actions)
    }

    /// Characters of text between the tags of `xml` (white space and UTF-8 continuation bytes not
    /// counted, an entity such as `&amp;` counted whole): at least the document's text, counted
    /// without parsing.
    static func textCharacters(inMarkup xml: [UInt8]) -> Int {
        var count = 0
        var inTag = false
        var quote: UInt8 = 0
        for b in xml {
            if inTag {
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == 0x22 || b == 0x27 {
                    quote = b
                } else if b == 0x3E {
                    inTag = false
                }
            } else if b == 0x3C {
                inTag = true
            } else if b & 0xC0 != 0x80 && b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 {
                count += 1
            }
        }
        return count
    }

    private struct Writer {
        /// UTF-8, copied straight from libxml2's text nodes (which are UTF-8).
        var out: [UInt8] = []
        /// Characters written; writing stops once they pass `limit`.
        var characters = 0
        var limit = Int.max
        var title: String?
        var tally = ActionTally()

        func text() -> String { String(decoding: out, as: UTF8.self) }

        /// Block-level content: paragraphs, tables, content controls.
        mutating func blocks(_ container: UnsafeMutablePointer<xmlNode>) {
            var child = container.pointee.children
            while let c = child {
                defer { child = c.pointee.next }
                guard c.pointee.type == XML_ELEMENT_NODE else { continue }
                if LibXML.hasName(c, "p") {
                    let start = out.count
                    inline(c)
                    if title == nil, isTitleParagraph(c) {
                        title = String(decoding: out[start...], as: UTF8.self)
                    }
                    out.append(0x0A)
                } else if LibXML.hasName(c, "tbl") {
                    table(c)
                } else if LibXML.hasName(c, "sdt") || LibXML.hasName(c, "sdtContent")
                    || LibXML.hasName(c, "customXml")
                {
                    blocks(c)
                }
            }
        }

        private mutating func table(_ tbl: UnsafeMutablePointer<xmlNode>) {
            var row = tbl.pointee.children
            while let r = row {
                defer { row = r.pointee.next }
                guard r.pointee.type == XML_ELEMENT_NODE, LibXML.hasName(r, "tr") else { continue }
                var cell = r.pointee.children
                var first = true
                while let c = cell {
                    defer { cell = c.pointee.next }
                    guard c.pointee.type == XML_ELEMENT_NODE, LibXML.hasName(c, "tc") else { continue }
                    if !first { out.append(0x09) }
                    first = false
                    // A cell's paragraphs (and nested tables) share the row's line, space-separated.
                    var inner = Writer()
                    inner.limit = limit - characters
                    inner.blocks(c)
                    characters += inner.characters
                    tally.merge(inner.tally)
                    var cellText = inner.out
                    while cellText.last == 0x0A { cellText.removeLast() }
                    out.append(contentsOf: cellText.map { $0 == 0x0A ? 0x20 : $0 })
                }
                out.append(0x0A)
            }
        }

        private func isTitleParagraph(_ p: UnsafeMutablePointer<xmlNode>) -> Bool {
            guard let pPr = child(p, "pPr"), let style = child(pPr, "pStyle"),
                let value = LibXML.attribute(style, "val")
            else { return false }
            return value.lowercased() == "title"
        }

        private func child(_ node: UnsafeMutablePointer<xmlNode>, _ name: StaticString)
            -> UnsafeMutablePointer<xmlNode>?
        {
            var c = node.pointee.children
            while let n = c {
                if n.pointee.type == XML_ELEMENT_NODE && LibXML.hasName(n, name) { return n }
                c = n.pointee.next
            }
            return nil
        }

        /// Paragraph content: runs, and the containers runs may sit in.
        private mutating func inline(_ node: UnsafeMutablePointer<xmlNode>) {
            var child = node.pointee.children
            while let c = child {
                defer { child = c.pointee.next }
                guard c.pointee.type == XML_ELEMENT_NODE else { continue }
                if LibXML.hasName(c, "r") {
                    run(c)
                } else if LibXML.hasName(c, "del") || LibXML.hasName(c, "moveFrom") {
                    tally.add(.deletedText, example: LibXML.text(c))
                } else if LibXML.hasName(c, "fldSimple") {
                    if let instr = LibXML.attribute(c, "instr") {
                        tally.add(.fieldCode, example: instr.trimmingASCIIWhitespace())
                    }
                    inline(c)
                } else if LibXML.hasName(c, "hyperlink") || LibXML.hasName(c, "ins")
                    || LibXML.hasName(c, "smartTag")
                    || LibXML.hasName(c, "customXml") || LibXML.hasName(c, "sdt")
                    || LibXML.hasName(c, "sdtContent")
                    || LibXML.hasName(c, "moveTo") || LibXML.hasName(c, "dir") || LibXML.hasName(c, "bdo")
                {
                    inline(c)
                } else if LibXML.hasName(c, "oMath") || LibXML.hasName(c, "oMathPara") {
                    inline(c)
                }
                // pPr, bookmarkStart/End, commentRangeStart/End, proofErr, permStart…: nothing to say.
            }
        }

        private mutating func run(_ r: UnsafeMutablePointer<xmlNode>) {
            var child = r.pointee.children
            while let c = child {
                defer { child = c.pointee.next }
                guard c.pointee.type == XML_ELEMENT_NODE else { continue }
                if LibXML.hasName(c, "t") {
                    appendText(c)
                } else if LibXML.hasName(c, "tab") {
                    out.append(0x09)
                } else if LibXML.hasName(c, "br") || LibXML.hasName(c, "cr") {
                    out.append(0x0A)
                } else if LibXML.hasName(c, "noBreakHyphen") {
                    out.append(0x2D)
                } else if LibXML.hasName(c, "instrText") {
                    let instruction = LibXML.text(c).trimmingASCIIWhitespace()
                    if !instruction.isEmpty { tally.add(.fieldCode, example: instruction) }
                } else if LibXML.hasName(c, "delText") {
                    tally.add(.deletedText, example: LibXML.text(c))
                } else if LibXML.hasName(c, "footnoteReference") || LibXML.hasName(c, "endnoteReference") {
                    tally.add(.footnoteMarker, example: nil)
                }
            }
        }

        private mutating func appendText(_ t: UnsafeMutablePointer<xmlNode>) {
            var child = t.pointee.children
            while let c = child {
                if characters <= limit, let content = c.pointee.content {
                    let text = UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
                    characters += text.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
                    out.append(contentsOf: text)
                }
                child = c.pointee.next
            }
        }
    }
}
