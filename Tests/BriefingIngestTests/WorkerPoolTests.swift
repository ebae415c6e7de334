import BriefingCore
import Foundation
import Logging
import TestSupport
import Testing

@testable import BriefingIngest

/// The worker pool on its own, with the real `briefingd worker` processes.
@Suite(.serialized) struct WorkerPoolTests {
    static func request(name: String = "t.txt") -> WorkerRequest {
        WorkerRequest(
            fileName: name, source: Source(kind: .inbox, name: "inbox", path: "/in/" + name),
            ingestedAtMilliseconds: 1_796_000_000_000, maxReplacementRatio: 0.01,
            maxTextCharacters: PipelineOptions.defaultMaxTextCharacters, maxOutputBytes: 64 << 20,
            maxSeconds: 30)
    }

    static func pool(workers: Int = 2, maxOutput: Int = 64 << 20) -> WorkerPool {
        var limits = InputLimits()
        limits.workers = workers
        limits.maxOutputBytes = maxOutput
        return WorkerPool(
            settings: WorkerPool.Settings(
                executable: Paths.daemonExecutable, workers: workers, limits: limits, maxInputBytes: 20 << 20),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test func workerGivesTheSameSnapshotAsTheCoreInProcess() throws {
        let pool = Self.pool()
        defer { pool.shutDown() }
        let bytes = try Paths.fixtureBytes()
        let request = Self.request()
        let (reply, json) = ExtractionWorker.process(request, bytes: bytes)
        let result = pool.extractNow(request, bytes: bytes)
        #expect(result == .extracted(id: try #require(reply.id), json: json, notes: reply.notes))
    }

    @Test func refusedInputComesBackWithItsReason() {
        let pool = Self.pool()
        defer { pool.shutDown() }
        #expect(
            pool.extractNow(Self.request(), bytes: [])
                == .failed(code: "empty_input", detail: InputError.empty.description))
    }

    @Test func submittedJobsCompleteThroughTheEventFD() throws {
        let pool = Self.pool()
        defer { pool.shutDown() }
        let fixture = try Paths.fixtureText()
        let jobs = (0..<6).map {
            WorkerPool.Job(
                token: $0, request: Self.request(), bytes: Array((fixture + "\n第\($0)条").utf8),
                inHandName: nil)
        }
        pool.submit(jobs)
        var results: [Int: WorkerPool.Result] = [:]
        #expect(
            waitUntil {
                var fd = pollfd(fd: pool.wakeFD, events: Int16(POLLIN), revents: 0)
                if poll(&fd, 1, 100) > 0 {
                    for (token, result) in pool.takeCompleted() { results[token] = result }
                }
                return results.count == jobs.count
            })
        let ids = Set(results.values.compactMap { if case .extracted(let id, _, _) = $0 { id } else { nil } })
        #expect(ids.count == jobs.count)
    }

    @Test func snapshotLargerThanTheOutputLimitIsRefused() throws {
        let pool = Self.pool(maxOutput: 64 << 10)
        defer { pool.shutDown() }
        var request = Self.request()
        request.maxOutputBytes = 64 << 10
        let text = try Paths.fixtureText()
        let big = Array(String(repeating: text, count: 8).utf8)
        guard case .failed(let code, let detail) = pool.extractNow(request, bytes: big) else {
            Issue.record("a snapshot over the limit was accepted")
            return
        }
        #expect(code == "output_too_large")
        #expect(detail.contains("input.max_output_bytes"))
    }

    @Test func shutDownStopsEveryWorker() {
        let pool = Self.pool(workers: 2)
        #expect(waitUntil { pool.workerPIDs.count == 2 })
        let pids = pool.workerPIDs
        pool.shutDown()
        #expect(waitUntil { pids.allSatisfy { kill($0, 0) != 0 } })
    }
}

@Suite struct WorkerSupportTests {
    @Test func framesRoundTripThroughAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let request = WorkerPoolTests.request()
        let frame = WorkerFrame.encode(request, body: [1, 2, 3])
        #expect(PipeIO.writeAll(fds[1], frame))
        close(fds[1])
        let read = try #require(PipeIO.readFrame(fds[0], maxBody: 10))
        #expect(read.body == [1, 2, 3])
        #expect(read.decodeHeader(WorkerRequest.self) == request)
    }

    @Test func frameWithABodyPastTheLimitIsRefused() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        #expect(
            PipeIO.writeAll(
                fds[1], WorkerFrame.encode(header: [0x7B, 0x7D], body: [UInt8](repeating: 0, count: 11))))
        close(fds[1])
        #expect(PipeIO.readFrame(fds[0], maxBody: 10) == nil)
    }

    @Test func supersedesIsSetInTheEncodedDocument() throws {
        var snapshot = try BriefingPipeline.process(
            try Paths.fixtureBytes(), source: .file("/x.txt"),
            ingestedAt: Timestamp(millisecondsSinceEpoch: 0))
        let plain = snapshot.jsonBytes()
        snapshot.revision.supersedes = "abc\"def"
        #expect(SnapshotJSONPatch.settingSupersedes("abc\"def", in: plain) == snapshot.jsonBytes())
    }

    @Test func namesThatAreNotUTF8RoundTrip() {
        let gbk: [UInt8] = [0xD0, 0xC2, 0xCE, 0xC5, 0x2E, 0x74, 0x78, 0x74]
        let (name, isUTF8) = FileName.decode(gbk)
        #expect(!isUTF8)
        #expect(!FileName.isUTF8(name))
        #expect(FileName.rawBytes(name) == gbk)
        #expect(FileName.display(name) == "\\xD0\\xC2\\xCE\\xC5.txt")
        #expect(
            Array(FileName.cPath("/in/" + name).dropLast().map { UInt8(bitPattern: $0) }) == Array(
                "/in/".utf8) + gbk)

        // Valid UTF-8, also in the private-use range the escapes use, stays what it was.
        for text in ["简报.txt", "a\u{10FF41}b.md", "plain"] {
            let (decoded, utf8) = FileName.decode(Array(text.utf8))
            #expect(utf8)
            #expect(FileName.isUTF8(decoded))
            #expect(FileName.rawBytes(decoded) == Array(text.utf8))
            #expect(FileName.display(decoded) == text)
        }
        // A truncated sequence and a stray continuation byte.
        let broken: [UInt8] = [0xE7, 0xAE, 0x41, 0x80]
        #expect(FileName.rawBytes(FileName.decode(broken).name) == broken)
        #expect(FileName.display(FileName.decode(broken).name) == "\\xE7\\xAEA\\x80")
    }

    @Test func errorFileNamesFitAndPair() {
        #expect(FileName.errorFileName(for: "a.txt") == "a.txt.error.json")
        let long = String(repeating: "长", count: 82)  // 246 bytes
        let errorName = FileName.errorFileName(for: long)
        #expect(errorName.utf8.count <= 255)
        #expect(errorName.hasPrefix(String(repeating: "长", count: 73) + "~"))
        #expect(errorName.hasSuffix(".error.json"))
        #expect(errorName != FileName.errorFileName(for: long + "x"))
        #expect(FileName.errorFileName(for: long) == errorName)
    }

    @Test func inputLimitsAreReadCheckedAndPrinted() throws {
        let base = """
            inbox: {path: var/inbox, archive: var/archive, failed: var/failed}
            snapshots: {path: var/snapshots}
            state: {path: var/state}

            """
        let config = try ConfigLoader.parse(
            base + "input: {workers: 3, max_seconds: 5, max_memory: 1GiB, max_output_bytes: 1048576}\n",
            workingDirectory: "/")
        #expect(config.inputLimits.workers == 3)
        #expect(config.inputLimits.maxSeconds == 5)
        #expect(config.inputLimits.maxMemoryBytes == 1 << 30)
        #expect(config.inputLimits.maxOutputBytes == 1 << 20)
        #expect(try ConfigLoader.parse(base, workingDirectory: "/").inputLimits == InputLimits())
        for (key, value) in [
            ("workers", "0"), ("workers", "65"), ("max_seconds", "0"), ("max_memory", "64MiB"),
            ("max_memory", "200MiB"),
            ("max_memory", "lots"), ("max_memory", "99999999999999999999GiB"), ("max_output_bytes", "-1"),
        ] {
            #expect(throws: ConfigError.self, "\(key): \(value)") {
                try ConfigLoader.parse(base + "input: {\(key): \(value)}\n", workingDirectory: "/")
            }
            do {
                _ = try ConfigLoader.parse(base + "input: {\(key): \(value)}\n", workingDirectory: "/")
            } catch {
                #expect(error.key == "input.\(key)")
            }
        }
        #expect(parseByteCount("512MiB") == 512 << 20)
        #expect(parseByteCount("64 K") == 64 << 10)
        #expect(parseByteCount("9223372036854775807G") == nil)
    }
}
