// The shared fixture in each form a briefing arrives in. Every form carries the same text, so the
// per-stage figures differ only by what decoding that form costs.

struct BenchInput: Sendable {
    /// Column label: "UTF-8", "GB18030", "UTF-16LE", "docx".
    var label: String
    /// File name handed to the decoder as a hint, as the daemon does for inbox files.
    var fileName: String
    var bytes: [UInt8]
    /// Pages, for a PDF: its figures are also given in pages per second.
    var pages: Int? = nil
}

enum BenchInputs {
    static func forms(of utf8: [UInt8]) throws(BenchError) -> [BenchInput] {
        let text = String(decoding: utf8, as: UTF8.self)
        // UTF-16LE with a BOM, as Windows Notepad saves "Unicode" text.
        var utf16: [UInt8] = [0xFF, 0xFE]
        utf16.reserveCapacity(2 + text.utf16.count * 2)
        for unit in text.utf16 {
            utf16.append(UInt8(unit & 0xFF))
            utf16.append(UInt8(unit >> 8))
        }
        return [
            BenchInput(label: "UTF-8", fileName: "briefing.txt", bytes: utf8),
            BenchInput(
                label: "GB18030", fileName: "briefing-gb18030.txt",
                bytes: try Iconv.convert(utf8, from: "UTF-8", to: "GB18030")),
            BenchInput(label: "UTF-16LE", fileName: "briefing-utf16le.txt", bytes: utf16),
            BenchInput(
                label: "docx", fileName: "briefing.docx",
                bytes: try DocxBuilder.docx(
                    lines: text.split(separator: "\n", omittingEmptySubsequences: false))),
        ]
    }
}
