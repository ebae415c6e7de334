import CPoppler
import Synchronization

// A PDF → the text of its pages, through poppler's text layer (reading order, as `pdftotext`
// gives it), with each character's box so that ``PDFPageAssembler`` can tell wraps from paragraph
// breaks and furniture from the body. The PDF is opened from memory; nothing touches the disk.
//
// Untrusted PDFs are bounded before their text is read: the page count is checked against
// ``PDFLimits/maxPages`` first, and the text gathered against the pipeline's text limit page by page.
// Time and memory inside one page's content are bounded by the process running the pipeline.

/// Bounds on a PDF input.
public struct PDFLimits: Sendable, Equatable {
    /// Most pages a PDF may have (`input.max_pdf_pages`).
    public var maxPages: Int

    public static let defaultMaxPages = 500

    public init(maxPages: Int = PDFLimits.defaultMaxPages) {
        self.maxPages = maxPages
    }
}

enum PDFExtractor {
    /// poppler keeps process-wide state (font and CMap caches) that its GLib binding does not
    /// document as safe across threads: one PDF at a time per process.
    private static let lock = Mutex(())

    static func extract(_ bytes: [UInt8], limits: PDFLimits, maxCharacters: Int) throws(InputError)
        -> DecodedInput
    {
        let pages = try lock.withLock { _ throws(InputError) in
            try readPages(bytes, limits: limits, maxCharacters: maxCharacters)
        }
        let assembled = PDFPageAssembler.assemble(pages)
        let replacements = assembled.text.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) }
        return DecodedInput(
            text: assembled.text, format: .pdf, encoding: .utf8, confidence: 1, bom: false,
            replacementCharacters: replacements, actions: assembled.actions)
    }

    private static func readPages(_ bytes: [UInt8], limits: PDFLimits, maxCharacters: Int) throws(InputError)
        -> [PDFPageText]
    {
        let data = bytes.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(data) }
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(data, nil, &error) else {
            defer { if error != nil { g_error_free(error) } }
            if let e = error?.pointee, e.domain == poppler_error_quark(),
                e.code == gint(POPPLER_ERROR_ENCRYPTED.rawValue)
            {
                throw .encrypted
            }
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
            throw .damagedPDF(reason: message)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }

        let count = Int(poppler_document_get_n_pages(document))
        guard count <= limits.maxPages else { throw .tooManyPages(pages: count, limit: limits.maxPages) }
        guard count > 0 else { throw .damagedPDF(reason: "it has no pages") }
        var pages: [PDFPageText] = []
        pages.reserveCapacity(count)
        var characters = 0
        var images = 0
        for index in 0..<count {
            guard let page = poppler_document_get_page(document, gint(index)) else {
                throw .damagedPDF(reason: "page \(index + 1) cannot be read")
            }
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            let lines = self.lines(of: page)
            characters += lines.reduce(0) { $0 + $1.text.unicodeScalars.count }
            guard characters <= maxCharacters else {
                throw .textTooLarge(characters: characters, limit: maxCharacters)
            }
            if lines.isEmpty { images += imageCount(page) }
            pages.append(PDFPageText(lines: lines))
        }
        if pages.allSatisfy({ $0.lines.isEmpty }) { throw .noTextLayer(pages: count, images: images) }
        return pages
    }

    /// The page's text lines with their boxes. poppler gives one box per character of the page text,
    /// line ends included; a line's box is the union of its characters' boxes.
    private static func lines(of page: OpaquePointer) -> [PDFTextLine] {
        guard let raw = poppler_page_get_text(page) else { return [] }
        defer { g_free(raw) }
        let text = String(cString: raw)
        var rects: UnsafeMutablePointer<PopplerRectangle>?
        var rectCount: guint = 0
        let haveLayout = poppler_page_get_text_layout(page, &rects, &rectCount) != 0
        defer { g_free(rects) }
        let boxes = UnsafeBufferPointer(
            start: haveLayout ? rects : nil, count: haveLayout ? Int(rectCount) : 0)

        var lines: [PDFTextLine] = []
        var current = String.UnicodeScalarView()
        var box: (left: Double, right: Double, top: Double, bottom: Double)?
        var fallbackTop = 0.0
        func finish() {
            defer {
                current = String.UnicodeScalarView()
                box = nil
            }
            guard current.contains(where: { !$0.properties.isWhitespace }) else { return }
            // Without boxes (a layout poppler could not give), lines keep their order and count as
            // neither full nor indented, so each stays a paragraph of its own.
            let b = box ?? (0, 0, fallbackTop, fallbackTop + 1)
            fallbackTop += 2
            lines.append(
                PDFTextLine(String(current), left: b.left, right: b.right, top: b.top, bottom: b.bottom))
        }
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if scalar == "\n" {
                finish()
                continue
            }
            current.append(scalar)
            guard i < boxes.count, !scalar.properties.isWhitespace else { continue }
            let r = boxes[i]
            let (x1, x2) = (min(r.x1, r.x2), max(r.x1, r.x2))
            let (y1, y2) = (min(r.y1, r.y2), max(r.y1, r.y2))
            if let b = box {
                box = (min(b.left, x1), max(b.right, x2), min(b.top, y1), max(b.bottom, y2))
            } else {
                box = (x1, x2, y1, y2)
            }
        }
        finish()
        return lines
    }

    private static func imageCount(_ page: OpaquePointer) -> Int {
        guard let list = poppler_page_get_image_mapping(page) else { return 0 }
        defer { poppler_page_free_image_mapping(list) }
        return Int(g_list_length(list))
    }
}
