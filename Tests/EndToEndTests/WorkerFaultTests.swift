import Foundation
import TestSupport
import Testing

/// Inputs that make a parser spin, abort or allocate without bound (the test-only fault markers
/// of `briefingd worker`) cost one worker process: the input goes to `failed/` with the limit it
/// passed, the daemon goes on with the next input, and SIGTERM and restarts are not held up.
@Suite(.serialized) struct WorkerFaultTests {
    static let faults = ["BRIEFINGD_TEST_FAULTS": "1"]

    /// A short briefing with a fault marker in it.
    static func faulty(_ marker: String) -> [UInt8] {
        Array("记者会\n新华社记者：今年的情况如何？\n市公安局局长张华：总体平稳。\(marker)\n".utf8)
    }

    static func good(_ n: Int) throws -> [UInt8] {
        Array((try Paths.fixtureText() + "\n补充说明第\(n)条。").utf8)
    }

    static func errorFile(_ daemon: DaemonProcess, _ name: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: daemon.failed + "/" + name + ".error.json")
        else {
            return nil
        }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func index(of event: String, file: String, in daemon: DaemonProcess) -> Int? {
        daemon.events().firstIndex { $0["event"] as? String == event && $0["file"] as? String == file }
    }

    @Test func spinningInputGoesToFailedAsTimeoutWhileTheNextIsArchived() throws {
        let daemon = try DaemonProcess(extraYAML: "input:\n  max_seconds: 1\n")
        try daemon.start(environment: Self.faults)
        try daemon.drop(Self.faulty("BRIEFINGD-FAULT-SPIN"), as: "spin.txt")
        #expect(waitUntil { !daemon.events("worker_started").isEmpty && daemon.events("batch").count >= 1 })
        try daemon.drop(try Self.good(1), as: "good.txt")

        #expect(
            waitUntil(timeout: 20) { Self.index(of: "input_failed", file: "spin.txt", in: daemon) != nil })
        let error = try #require(Self.errorFile(daemon, "spin.txt"))
        #expect(error["error"] as? String == "timeout")
        #expect((error["detail"] as? String)?.contains("input.max_seconds") == true)
        #expect((error["detail"] as? String)?.contains("1 s") == true)
        // The good file did not wait for the spinning one.
        let written = try #require(Self.index(of: "snapshot_written", file: "good.txt", in: daemon))
        let failed = try #require(Self.index(of: "input_failed", file: "spin.txt", in: daemon))
        #expect(written < failed)
        #expect(FileManager.default.fileExists(atPath: daemon.failed + "/spin.txt"))
        #expect(daemon.events("worker_replaced").contains { $0["error"] as? String == "timeout" })

        // The replacement worker takes the next input.
        try daemon.drop(try Self.good(2), as: "after.txt")
        #expect(waitUntil { Self.index(of: "snapshot_written", file: "after.txt", in: daemon) != nil })
        #expect(daemon.stop() == 0)
    }

    @Test func abortingInputGoesToFailedAsCrashedAndTheNextIsArchived() throws {
        let daemon = try DaemonProcess()
        try daemon.start(environment: Self.faults)
        try daemon.drop(Self.faulty("BRIEFINGD-FAULT-ABORT"), as: "abort.txt")
        try daemon.drop(try Self.good(1), as: "good.txt")
        #expect(waitUntil { Self.errorFile(daemon, "abort.txt") != nil })
        let error = try #require(Self.errorFile(daemon, "abort.txt"))
        #expect(error["error"] as? String == "crashed")
        #expect((error["detail"] as? String)?.contains("signal 6") == true)
        #expect(waitUntil { Self.index(of: "snapshot_written", file: "good.txt", in: daemon) != nil })
        try daemon.drop(try Self.good(2), as: "after.txt")
        #expect(waitUntil { Self.index(of: "snapshot_written", file: "after.txt", in: daemon) != nil })
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0)
    }

    @Test func allocatingInputGoesToFailedAsTooMuchMemory() throws {
        let daemon = try DaemonProcess(extraYAML: "input:\n  max_memory: 256MiB\n")
        try daemon.start(environment: Self.faults)
        try daemon.drop(Self.faulty("BRIEFINGD-FAULT-ALLOCATE"), as: "hungry.txt")
        try daemon.drop(try Self.good(1), as: "good.txt")
        #expect(waitUntil(timeout: 20) { Self.errorFile(daemon, "hungry.txt") != nil })
        let error = try #require(Self.errorFile(daemon, "hungry.txt"))
        #expect(error["error"] as? String == "too_much_memory")
        #expect((error["detail"] as? String)?.contains("256 MiB") == true)
        #expect(waitUntil { Self.index(of: "snapshot_written", file: "good.txt", in: daemon) != nil })
        #expect(daemon.stop() == 0)
    }

    @Test func sigtermExitsWithinFiveSecondsWhileAWorkerSpins() throws {
        let daemon = try DaemonProcess()
        try daemon.start(environment: Self.faults)
        try daemon.drop(Self.faulty("BRIEFINGD-FAULT-SPIN"), as: "spin.txt")
        try daemon.drop(try Self.good(1), as: "good.txt")
        // The good file is done, so the spinning one is with a worker now.
        #expect(waitUntil { Self.index(of: "snapshot_written", file: "good.txt", in: daemon) != nil })
        let workers = daemon.events("worker_started").compactMap { $0["pid"] as? Int }
        #expect(daemon.stop(timeout: 5) == 0)
        // The input was not to blame for the stop: it stays in the inbox, and no worker is left.
        #expect(FileManager.default.fileExists(atPath: daemon.inbox + "/spin.txt"))
        #expect(waitUntil(timeout: 15) { workers.allSatisfy { kill(Int32($0), 0) != 0 } })
    }

    /// kill -9 of the daemon while a worker has an input: after the restart the input is taken once
    /// more; if the daemon dies again while it has it, the next start sends it to `failed/` as
    /// `crashed` instead of trying again, so a crash loop cannot form.
    @Test func inputInHandWhenTheDaemonDiesTwiceGoesToFailedAsCrashed() throws {
        let daemon = try DaemonProcess()
        try daemon.start(environment: Self.faults)
        try daemon.drop(Self.faulty("BRIEFINGD-FAULT-SPIN"), as: "spin.txt")
        #expect(waitUntil { daemon.events("batch").count >= 1 })
        usleep(200_000)
        let firstWorkers = daemon.events("worker_started").compactMap { $0["pid"] as? Int }
        daemon.stop(signal: SIGKILL)
        // The spinning worker dies with the daemon.
        #expect(waitUntil(timeout: 15) { firstWorkers.allSatisfy { kill(Int32($0), 0) != 0 } })

        try daemon.start(environment: Self.faults)
        #expect(waitUntil { Self.index(of: "input_retried", file: "spin.txt", in: daemon) != nil })
        daemon.stop(signal: SIGKILL)

        try daemon.drop(try Self.good(1), as: "good.txt")
        try daemon.start(environment: Self.faults)
        #expect(waitUntil { Self.errorFile(daemon, "spin.txt") != nil })
        let error = try #require(Self.errorFile(daemon, "spin.txt"))
        #expect(error["error"] as? String == "crashed")
        #expect((error["detail"] as? String)?.contains("stopped twice") == true)
        #expect(waitUntil { Self.index(of: "snapshot_written", file: "good.txt", in: daemon) != nil })
        #expect(daemon.stop() == 0)
    }
}
