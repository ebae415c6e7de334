import Foundation
import TestSupport
import Testing

/// PDFs through the real daemon and the real command line.
@Suite(.serialized) struct PDFInboxEndToEndTests {
    @Test func aPDFDroppedIntoTheInboxBecomesASnapshotOfFormatPDF() throws {
        let pdf = try PDFMaker.fixture()
        let daemon = try DaemonProcess()
        try daemon.start()
        try daemon.drop(pdf, as: "briefing.pdf")

        #expect(waitUntil(timeout: 30) { daemon.snapshotFiles().count == 1 }, "\(daemon.log())")
        let path = try #require(daemon.snapshotFiles().first)
        let doc = try daemon.snapshot(path)
        let input = try #require(doc["input"] as? [String: Any])
        #expect(input["format"] as? String == "pdf")
        #expect(input["bytes"] as? Int == pdf.count)
        let briefing = try #require(doc["briefing"] as? [String: Any])
        #expect(briefing["title"] as? String == "新闻发布会答记者问")
        #expect((briefing["turns"] as? [Any])?.count == 12)
        let actions = try #require((doc["normalization"] as? [String: Any])?["actions"] as? [[String: Any]])
        let kinds = Set(actions.compactMap { $0["kind"] as? String })
        #expect(kinds.isSuperset(of: ["page_header", "page_footer", "page_number", "page_break_join"]))
        let text = try #require(doc["text"] as? String)
        #expect(!text.contains("内蒙古自治区人民政府新闻办公室"))
        #expect(filesUnder(daemon.failed).isEmpty)
        let validation = try validateSnapshots([daemon.snapshots + "/" + path])
        #expect(validation.valid, "\(validation.output)")
        #expect(daemon.stop() == 0)
    }

    @Test func badPDFsGoToFailedWithTheirReason() throws {
        let fixture = try PDFMaker.fixture()
        let cases: [(name: String, bytes: [UInt8], code: String)] = [
            ("encrypted.pdf", try PDFMaker.fixture(extra: ["--encrypt", "secret"]), "encrypted"),
            ("damaged.pdf", Array(fixture.prefix(fixture.count / 2)), "damaged_pdf"),
            ("scan.pdf", try PDFMaker.make(["image", PDFMaker.output]), "no_text_layer"),
            ("long.pdf", try PDFMaker.make(["pages", "4", PDFMaker.output]), "too_many_pages"),
        ]
        let daemon = try DaemonProcess(extraYAML: "input:\n  max_pdf_pages: 3")
        try daemon.start()
        for c in cases { try daemon.drop(c.bytes, as: c.name) }

        #expect(
            waitUntil(timeout: 30) { daemon.events("input_failed").count == cases.count }, "\(daemon.log())")
        for c in cases {
            let data = try #require(
                FileManager.default.contents(atPath: daemon.failed + "/" + c.name + ".error.json"),
                "no error file for \(c.name)")
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(json["error"] as? String == c.code, "\(c.name)")
            #expect((json["detail"] as? String)?.isEmpty == false)
            // The input itself is kept beside its reason, byte for byte.
            #expect(FileManager.default.contents(atPath: daemon.failed + "/" + c.name) == Data(c.bytes))
        }
        let scan = try #require(
            FileManager.default.contents(atPath: daemon.failed + "/scan.pdf.error.json"))
        #expect(String(decoding: scan, as: UTF8.self).contains("images only"))
        #expect(daemon.snapshotFiles().isEmpty)
        #expect(daemon.stop() == 0)
    }

    @Test func checkConfigShowsThePDFPageLimit() throws {
        let daemon = try DaemonProcess(extraYAML: "input:\n  max_pdf_pages: 42")
        let result = try runBriefingd(["check-config", "--config", daemon.configPath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("max_pdf_pages: 42"))
        let bad = try DaemonProcess(extraYAML: "input:\n  max_pdf_pages: 0")
        let refused = try runBriefingd(["check-config", "--config", bad.configPath])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("max_pdf_pages"))
    }

    /// A content stream that inflates to 256 MB of overlapping text keeps poppler busy for hours; the
    /// process that reads it is what bounds it. Under a CPU-time and address-space limit (as the
    /// processes that run the pipeline have) it is stopped within seconds.
    @Test func aStreamBombIsStoppedByTheLimitsOfTheProcessReadingIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bomb = dir.file("bomb.pdf")
        try Data(try PDFMaker.make(["bomb-stream", "256", PDFMaker.output])).write(
            to: URL(fileURLWithPath: bomb))
        let result = try runTool(
            "/usr/bin/prlimit",
            ["--cpu=2", "--as=\(2 << 30)", "--", Paths.daemonExecutable, "extract", bomb])
        // Killed by the CPU limit (SIGXCPU, then SIGKILL), not finished and not refused with an error.
        #expect(result.status == SIGKILL || result.status == SIGXCPU, "\(result.status): \(result.output)")
    }
    /// A stream bomb dropped into a running daemon costs one worker: the daemon names the limit it
    /// passed in `failed/`, a good file dropped after it is archived once the worker is replaced
    /// (with a single worker, so it has to wait for that), and the daemon keeps running.
    @Test func aStreamBombInTheInboxFailsAsTimeoutAndTheNextFileIsArchived() throws {
        try Self.dropBombThenGoodFile(limits: "max_seconds: 1", code: "timeout", naming: "input.max_seconds")
    }

    /// The same bomb under a small address space and a generous CPU time: poppler runs out of
    /// memory first, and the input fails as `too_much_memory`.
    @Test func aStreamBombInTheInboxFailsAsTooMuchMemoryUnderASmallMemoryLimit() throws {
        try Self.dropBombThenGoodFile(
            limits: "max_seconds: 600\n  max_memory: 256MiB", code: "too_much_memory",
            naming: "input.max_memory")
    }

    static func dropBombThenGoodFile(limits: String, code: String, naming setting: String) throws {
        let bomb = try PDFMaker.make(["bomb-stream", "256", PDFMaker.output])
        let daemon = try DaemonProcess(extraYAML: "input:\n  \(limits)\n  workers: 1\n")
        try daemon.start()
        try daemon.drop(bomb, as: "bomb.pdf")
        #expect(waitUntil(timeout: 30) { !daemon.events("batch").isEmpty }, "\(daemon.log())")
        let good = Array((try Paths.fixtureText()).utf8)
        try daemon.drop(good, as: "good.txt")

        func index(_ event: String, _ file: String) -> Int? {
            daemon.events().firstIndex { $0["event"] as? String == event && $0["file"] as? String == file }
        }
        // Generous: only a machine under heavy load needs it; the order below is what is checked.
        #expect(waitUntil(timeout: 180) { index("snapshot_written", "good.txt") != nil }, "\(daemon.log())")
        let failed = try #require(index("input_failed", "bomb.pdf"), "\(daemon.log())")
        let written = try #require(index("snapshot_written", "good.txt"))
        #expect(failed < written)
        let data = try #require(FileManager.default.contents(atPath: daemon.failed + "/bomb.pdf.error.json"))
        let error = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(error["error"] as? String == code, "\(error)")
        #expect((error["detail"] as? String)?.contains(setting) == true, "\(error)")
        #expect(FileManager.default.contents(atPath: daemon.failed + "/bomb.pdf") == Data(bomb))
        #expect(daemon.events("worker_replaced").contains { $0["error"] as? String == code })
        #expect(daemon.snapshotFiles().count == 1)
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
    }
}
