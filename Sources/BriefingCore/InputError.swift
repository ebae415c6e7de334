/// Why an input cannot become a snapshot. Each case says what is wrong and what to do about it;
/// `code` is the stable short name written as `error` in `NAME.error.json`.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case bomOnly(encoding: TextEncoding)
    case tooLarge(bytes: Int, limit: Int)
    case unsupportedEncoding(String)
    case undecodable(reason: String)
    case tooManyReplacements(count: Int, characters: Int, encoding: TextEncoding)
    case truncated(encoding: TextEncoding, reason: String)
    case invalidDocx(reason: String)
    case unsupportedFormat(String)
    case noText(format: InputInfo.Format)
    case textTooLarge(characters: Int, limit: Int)
    case htmlTooDeep(depth: Int, limit: Int)
    case encrypted
    case damagedPDF(reason: String)
    case noTextLayer(pages: Int, images: Int)
    case tooManyPages(pages: Int, limit: Int)

    public var code: String {
        switch self {
        case .empty: "empty_input"
        case .bomOnly: "bom_only"
        case .tooLarge: "too_large"
        case .unsupportedEncoding: "unsupported_encoding"
        case .undecodable: "undecodable"
        case .tooManyReplacements: "too_many_replacement_characters"
        case .truncated: "truncated_input"
        case .invalidDocx: "invalid_docx"
        case .unsupportedFormat: "unsupported_format"
        case .noText: "no_text"
        case .textTooLarge: "text_too_large"
        case .htmlTooDeep: "html_too_deep"
        case .encrypted: "encrypted"
        case .damagedPDF: "damaged_pdf"
        case .noTextLayer: "no_text_layer"
        case .tooManyPages: "too_many_pages"
        }
    }

    public var description: String {
        switch self {
        case .empty:
            "the input is empty (0 bytes); drop the file again once it has been written completely"
        case .bomOnly(let encoding):
            "the input holds only a \(encoding) byte-order mark and no text; re-export the document"
        case .tooLarge(let bytes, let limit):
            "the input is \(bytes) bytes, over the limit of \(limit) bytes (inbox.max_bytes); "
                + "raise the limit or split the file"
        case .unsupportedEncoding(let name):
            "the text encoding \(name) is not supported; re-save the file as UTF-8"
        case .undecodable(let reason):
            "the bytes are not text in any supported encoding (\(reason)); re-save the file as UTF-8"
        case .tooManyReplacements(let count, let characters, let encoding):
            "\(count) of \(characters) characters could not be decoded as \(encoding); "
                + "the file is damaged or in another encoding: re-save it as UTF-8"
        case .truncated(let encoding, let reason):
            "the \(encoding) input is cut off (\(reason)); copy or download the file again completely"
        case .invalidDocx(let reason):
            "the file looks like a Word .docx but cannot be read (\(reason)); open and re-save it in Word"
        case .unsupportedFormat(let what):
            "the input is \(what), which briefingd cannot read; save it as PDF, .docx, HTML or UTF-8 text"
        case .noText(let format):
            "no briefing text was found in the \(format.rawValue) input; check that the file is the transcript"
        case .textTooLarge(let characters, let limit):
            "the decoded text has \(characters) characters or more, over the limit of \(limit) "
                + "(input.max_text_chars); split the document or raise the limit"
        case .htmlTooDeep(let depth, let limit):
            "the HTML page nests its elements \(depth) deep, deeper than the \(limit) levels that are read, "
                + "so its text cannot be taken whole; save the page's text as a .txt file"
        case .encrypted:
            "the PDF is encrypted and needs a password to open; save or print it again without a password"
        case .damagedPDF(let reason):
            "the PDF is damaged and cannot be read (\(reason)); download or export it again"
        case .noTextLayer(let pages, let images):
            "the PDF has no text layer: its \(pages) page(s) hold "
                + (images > 0 ? "images only (\(images) image(s), e.g. a scan)" : "no text, only drawings")
                + "; run OCR on it or get the transcript as text, .docx or a PDF with text"
        case .tooManyPages(let pages, let limit):
            "the PDF has \(pages) pages, over the limit of \(limit) (input.max_pdf_pages); "
                + "raise the limit or split the file"
        }
    }
}
