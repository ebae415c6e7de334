import Foundation

/// PDFs made from text by `scripts/make_pdf.py` (reportlab and its built-in CJK CID fonts).
public enum PDFMaker {
    /// Stands for the output file in `make`'s arguments.
    public static let output = "{output}"

    /// Runs `scripts/make_pdf.py` with `arguments` (``output`` marks where the PDF goes) and
    /// returns the PDF's bytes.
    public static func make(_ arguments: [String]) throws -> [UInt8] {
        let dir = try TemporaryDirectory("briefingd-pdf")
        defer { dir.remove() }
        let path = dir.file("made.pdf")
        let script = Paths.repository.appendingPathComponent("scripts/make_pdf.py").path
        let result = try runTool(
            "/usr/bin/env", ["python3", script] + arguments.map { $0 == output ? path : $0 })
        guard result.status == 0 else { throw MakeError(output: result.output) }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The shared fixture typeset on several pages, with a running header and footer and `- N -`
    /// page numbers.
    public static func fixture(extra: [String] = []) throws -> [UInt8] {
        try make(
            [
                "text", Paths.fixtureBriefing.path, output, "--header", "内蒙古自治区人民政府新闻办公室",
                "--footer", "新闻发布会答记者问",
            ] + extra)
    }

    public struct MakeError: Error, CustomStringConvertible {
        public var output: String
        public var description: String { "make_pdf.py failed: \(output)" }
    }
}
