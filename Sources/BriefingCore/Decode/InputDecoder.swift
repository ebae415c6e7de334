// Raw bytes → plain text: detects the format (text, markdown, html, docx, pdf) and the encoding.

/// What the caller knows about the bytes besides the bytes themselves.
public struct DecodeHints: Sendable, Equatable {
    /// File name (inbox) or last URL path component; used only after the bytes themselves.
    public var fileName: String?
    /// Charset declared by HTTP `Content-Type`, if any.
    public var declaredCharset: String?
    /// The full `Content-Type` value, if any (e.g. `text/html; charset=gbk`).
    public var contentType: String?
    /// The publication date of the feed item that linked the input (polled feeds only): a date for
    /// the briefing when nothing in the input states one.
    public var feedItemDate: Timestamp?

    public init(
        fileName: String? = nil, declaredCharset: String? = nil, contentType: String? = nil,
        feedItemDate: Timestamp? = nil
    ) {
        self.fileName = fileName
        self.declaredCharset = declaredCharset
        self.contentType = contentType
        self.feedItemDate = feedItemDate
    }
}

/// Plain text recovered from an input, before normalization.
public struct DecodedInput: Sendable, Equatable {
    public var text: String
    public var format: InputInfo.Format
    /// Canonical encoding name: "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030" (also for GB2312 and GBK
    /// input: GB18030 is their superset), "Big5", "Big5-HKSCS" (only when HKSCS characters occur),
    /// "windows-1252", or uchardet's name for anything else. A .docx reports "UTF-8".
    public var encoding: TextEncoding
    /// How sure the detection is, 0…1: 1 for a byte-order mark or valid UTF-8 with non-ASCII text,
    /// lower when legacy encodings were told apart statistically.
    public var confidence: Double
    public var bom: Bool
    /// Undecodable bytes, each replaced by one U+FFFD in `text`.
    public var replacementCharacters: Int
    /// A title the format carries (HTML heading or `<title>`, docx Title style), if any.
    public var titleHint: String?
    /// A publish time the format carries outside the text, as written (HTML `<meta name="PubDate">`,
    /// `article:published_time`; Markdown front matter `date:`).
    public var publishedHint: String?
    /// Things worth a log line (e.g. a declared charset overridden by the bytes).
    public var notes: [String]
    /// What the format decoder dropped on the way (docx field codes, deleted text and footnote
    /// references; HTML navigation, scripts and other boilerplate). `TextNormalizer.normalize(_:)`
    /// merges them with the normalizer's own actions for the snapshot's `normalization.actions`.
    public var actions: [NormalizationAction]

    public init(
        text: String, format: InputInfo.Format, encoding: TextEncoding, confidence: Double, bom: Bool,
        replacementCharacters: Int, titleHint: String? = nil, notes: [String] = [],
        actions: [NormalizationAction] = []
    ) {
        self.text = text
        self.format = format
        self.encoding = encoding
        self.confidence = confidence
        self.bom = bom
        self.replacementCharacters = replacementCharacters
        self.titleHint = titleHint
        self.notes = notes
        self.actions = actions
    }
}

/// Format and encoding detection.
public enum InputDecoder {
    /// Decodes `bytes` into text.
    ///
    /// The format comes from the bytes (`%PDF-` → pdf; ZIP signature → docx; HTML markers → html; front matter or
    /// headings → markdown; else text), the file name only as a tie-breaker. The encoding comes from
    /// a BOM, the bytes' statistics and uchardet; `hints.declaredCharset`, a charset in
    /// `hints.contentType` or an HTML `<meta>` charset is used when the bytes agree with it.
    /// - Throws: ``InputError`` for empty, BOM-only, binary, truncated or undecodable input, a
    ///   broken .docx, an HTML page without body text, or a PDF that is encrypted, damaged, has no
    ///   text layer or is over `pdfLimits`.
    /// - Parameter maxTextCharacters: longest text accepted, in Unicode scalars; checked as soon as
    ///   the text is known (for a .docx, before its XML is even parsed when the XML holds far more;
    ///   for a PDF, page by page).
    public static func decode(
        _ bytes: [UInt8], hints: DecodeHints = DecodeHints(),
        maxTextCharacters: Int = PipelineOptions.defaultMaxTextCharacters, pdfLimits: PDFLimits = PDFLimits()
    ) throws(InputError) -> DecodedInput {
        guard !bytes.isEmpty else { throw .empty }
        switch FormatSniffer.container(bytes) {
        case .zip: return try DocxExtractor.extract(bytes, maxCharacters: maxTextCharacters)
        case .ole2: throw .unsupportedFormat("a legacy Word .doc (OLE2) file")
        case .pdf: return try PDFExtractor.extract(bytes, limits: pdfLimits, maxCharacters: maxTextCharacters)
        case nil: break
        }
        let declared =
            hints.declaredCharset ?? hints.contentType.flatMap(CharsetNames.charset(fromContentType:))
            ?? CharsetNames.sniffDeclared(in: bytes)
        let decoded = try EncodingDetector.decode(bytes, declared: declared)
        // Every encoding takes at least one byte per character, so only inputs longer than the
        // limit need counting; HTML and Markdown only ever lose characters after this.
        if bytes.count > maxTextCharacters {
            let characters = decoded.text.utf8.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
            if characters > maxTextCharacters {
                throw .textTooLarge(characters: characters, limit: maxTextCharacters)
            }
        }
        var result = DecodedInput(
            text: decoded.text, format: .text, encoding: TextEncoding(name: decoded.encoding),
            confidence: decoded.confidence,
            bom: decoded.bom, replacementCharacters: decoded.replacements, notes: decoded.notes)
        result.format = FormatSniffer.textFormat(decoded.text, fileName: hints.fileName)
        switch result.format {
        case .html:
            let page = try HTMLExtractor.extract(decoded.text)
            result.text = page.text
            result.titleHint = page.title
            result.publishedHint = page.published
            result.actions = page.actions
        case .markdown:
            result.publishedHint = MarkdownStripper.frontMatterField("date", in: decoded.text)
            result.text = MarkdownStripper.strip(decoded.text)
        case .text, .docx, .pdf:
            break
        }
        return result
    }
}
