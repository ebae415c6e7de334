import Foundation

// The fixture as a PDF for the stage figures: typeset on several pages with a running header,
// footer and page numbers by scripts/make_pdf.py (reportlab), as the tests make it.

enum PDFInput {
    /// The PDF form of the fixture, or why there is none (no python3 or reportlab).
    static func make(fixturePath: String, repository: String?) -> Result<BenchInput, BenchError> {
        let script = (repository ?? ".") + "/scripts/make_pdf.py"
        let directory: String
        do {
            directory = try FileIO.makeTemporaryDirectory(prefix: "briefingd-bench-pdf")
        } catch {
            return .failure(error)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = directory + "/briefing.pdf"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script, "text", fixturePath, output, "--header", "内蒙古自治区人民政府新闻办公室",
            "--footer", "新闻发布会答记者问",
        ]
        let stderr = Pipe()
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            return .failure(BenchError("cannot run python3: \(error)"))
        }
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = errors.split(separator: "\n").last.map(String.init) ?? "no message"
            return .failure(
                BenchError("make_pdf.py exited with status \(process.terminationStatus): \(reason)"))
        }
        do {
            let bytes = try FileIO.read(output)
            return .success(
                BenchInput(label: "pdf", fileName: "briefing.pdf", bytes: bytes, pages: pageCount(bytes)))
        } catch {
            return .failure(error)
        }
    }

    /// Page objects in the file (`/Type /Page`, not `/Type /Pages`); reportlab writes no object streams.
    static func pageCount(_ bytes: [UInt8]) -> Int {
        let needle = Array("/Type /Page".utf8)
        var count = 0
        var i = 0
        while i + needle.count < bytes.count {
            if bytes[i] == needle[0], Array(bytes[i..<i + needle.count]) == needle,
                bytes[i + needle.count] != 0x73
            {
                count += 1
            }
            i += 1
        }
        return count
    }
}
