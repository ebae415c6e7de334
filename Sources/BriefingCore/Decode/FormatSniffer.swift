// Which format the bytes are in, decided from the bytes; the file name only breaks ties.

enum FormatSniffer {
    enum Container { case zip, ole2, pdf }

    /// Binary containers recognised by their signature.
    static func container(_ bytes: [UInt8]) -> Container? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .zip
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .ole2 }
        // Readers accept the PDF header anywhere in the first 1024 bytes (some writers prefix junk).
        if ASCIIBytes.contains("%pdf-", in: bytes, limit: 1024) { return .pdf }
        return nil
    }

    /// Text format from decoded text: html, markdown or text.
    static func textFormat(_ text: String, fileName: String?) -> InputInfo.Format {
        let ext = fileName.map { name -> String in
            guard let dot = name.lastIndex(of: ".") else { return "" }
            return name[name.index(after: dot)...].lowercased()
        }
        let utf8 = text.utf8
        if ASCIIBytes.contains("<!doctype html", in: utf8) || ASCIIBytes.contains("<html", in: utf8)
            || ASCIIBytes.contains("<body", in: utf8) || ASCIIBytes.contains("<head>", in: utf8)
        {
            return .html
        }
        let markdown = MarkdownStripper.evidence(text)
        if markdown.frontMatter { return .markdown }  // Markdown may carry raw <p>/<br> tags
        // A fragment without <html>/<body> (a CMS export saved as .txt): several block tags.
        let blockTags = ASCIIBytes.withHead(utf8, limit: 4096) { head in
            var count = 0
            for tag: StaticString in ["<p>", "<p ", "<br", "<div", "</p>"] {
                var from = 0
                while count < 3, let at = ASCIIBytes.find(tag, in: head, from: from) {
                    count += 1
                    from = at + 1
                }
            }
            return count
        }
        let htmlByName = ext == "html" || ext == "htm" || ext == "xhtml"
        if blockTags >= 3 || (htmlByName && blockTags >= 1) { return .html }

        let markdownByName = ext == "md" || ext == "markdown"
        if markdown.headings + markdown.links >= 2
            || (markdownByName && markdown.headings + markdown.links >= 1)
        {
            return .markdown
        }
        return .text
    }
}
