import BriefingCore
import CLinuxShim
import Foundation
import Synchronization

/// The child side of the worker pool (`briefingd worker`): reads requests from standard input,
/// turns each input into its snapshot, and writes the reply to standard output, until standard
/// input closes. Everything that parses untrusted bytes runs here, under the limits of
/// ``WorkerLimits``, so that a parser bug costs one worker process, never the daemon.
public enum ExtractionWorker {
    /// Set to `1` only by tests: a worker then spins, aborts or allocates without bound when the
    /// input holds the matching ``Fault`` marker, to show what the daemon does when a parser does.
    public static let faultsVariable = "BRIEFINGD_TEST_FAULTS"

    /// Markers that trigger a fault when ``faultsVariable`` is `1`.
    public enum Fault: String, CaseIterable, Sendable {
        case spin = "BRIEFINGD-FAULT-SPIN"
        case abort = "BRIEFINGD-FAULT-ABORT"
        case allocate = "BRIEFINGD-FAULT-ALLOCATE"
    }

    /// Serves requests until standard input closes; returns the exit status.
    public static func run(parent: Int32, maxMemoryBytes: Int, maxInputBytes: Int) -> Int32 {
        // A worker must not outlive the daemon (it might be spinning and never read its pipe again).
        _ = briefingd_set_parent_death_signal(SIGKILL)
        guard getppid() == parent else { return 1 }
        signal(SIGPIPE, SIG_IGN)
        // Without its limits a worker would be no safer than the daemon: refuse to run.
        guard WorkerLimits.limitAddressSpace(bytes: maxMemoryBytes) else {
            FileHandle.standardError.write(
                Data(
                    "briefingd worker: cannot limit its memory (setrlimit: \(String(cString: strerror(errno)))); allow setrlimit and prlimit64 in the service's SystemCallFilter\n"
                        .utf8))
            return 3
        }
        let faults = ProcessInfo.processInfo.environment[faultsVariable] == "1"
        warmUp()
        while let frame = PipeIO.readFrame(0, maxBody: maxInputBytes) {
            guard let request = frame.decodeHeader(WorkerRequest.self) else {
                FileHandle.standardError.write(Data("briefingd worker: unreadable request header\n".utf8))
                return 2
            }
            WorkerLimits.armCPULimit(seconds: request.maxSeconds)
            if faults { injectFault(in: frame.body) }
            let (reply, body) = process(request, bytes: frame.body)
            guard PipeIO.writeAll(1, WorkerFrame.encode(reply, body: body)) else { return 0 }
        }
        return 0
    }

    /// Set once by the daemon before it starts: from then on every parser (poppler, libxml2, the
    /// core) runs in a worker process, and an input that would reach the pipeline in the daemon
    /// itself fails as `crashed` instead, so that such a path shows up in tests, never in production.
    static let forbiddenInThisProcess = Atomic<Bool>(false)

    /// Makes ``process(_:bytes:)`` refuse to run in this process (the daemon).
    public static func forbidInThisProcess() { forbiddenInThisProcess.store(true, ordering: .relaxed) }

    /// The reply and body for one input: the snapshot's id and JSON, or the reason it has none.
    static func process(_ request: WorkerRequest, bytes: [UInt8]) -> (WorkerReply, [UInt8]) {
        guard !forbiddenInThisProcess.load(ordering: .relaxed) else {
            return (
                WorkerReply(
                    code: "crashed",
                    detail:
                        "the daemon refused to parse the input itself: inputs are parsed only in worker processes"
                ),
                []
            )
        }
        do {
            let (snapshot, notes) = try BriefingPipeline.processWithNotes(
                bytes, hints: request.hints, source: request.source,
                ingestedAt: Timestamp(millisecondsSinceEpoch: request.ingestedAtMilliseconds),
                options: request.options)
            let json = snapshot.jsonBytes()
            guard json.count <= request.maxOutputBytes else {
                let e = WorkerFailure.outputTooLarge(bytes: json.count, limit: request.maxOutputBytes)
                return (WorkerReply(code: e.code, detail: e.detail), [])
            }
            return (WorkerReply(id: snapshot.id, notes: notes), json)
        } catch {
            return (WorkerReply(code: error.code, detail: error.description), [])
        }
    }

    /// Runs the pipeline once on a tiny briefing, so that the first real input does not pay the
    /// one-time set-up (lexicon tables, type metadata: 20-50 ms measured on the first drop).
    static func warmUp() {
        let text = "记者会\n新华社记者：今年以来破获案件1200余起，同比下降3.5%？\n市公安局局长张华：2023年6月至8月，开展“护校安园”行动。"
        _ = try? BriefingPipeline.process(
            Array(text.utf8), source: Source(kind: .inbox, name: "inbox"), ingestedAt: .now())
    }

    private static func injectFault(in body: [UInt8]) {
        for fault in Fault.allCases where contains(body, Array(fault.rawValue.utf8)) {
            switch fault {
            case .spin:
                var n: UInt64 = 0
                while true { n = n &+ 1 }
            case .abort:
                abort()
            case .allocate:
                // Touches every page, so the memory is really used, until the address-space limit stops it.
                var blocks: [[UInt8]] = []
                while true { blocks.append([UInt8](repeating: UInt8(blocks.count & 0xFF), count: 8 << 20)) }
            }
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// The resource limits a worker puts on itself.
enum WorkerLimits {
    /// RLIMIT_AS: allocations beyond `bytes` of address space fail, and the worker dies of it.
    static func limitAddressSpace(bytes: Int) -> Bool {
        var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
        return setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0
    }

    /// RLIMIT_CPU is a lifetime total, so it is re-armed before every input: CPU used so far plus
    /// `seconds`. Past it the kernel sends SIGXCPU, which ends the worker.
    static func armCPULimit(seconds: Int) {
        var usage = rusage()
        _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        // Rounded up: the limit has whole-second granularity and must never fall below what was used.
        let used = Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec) + 1
        var limit = rlimit()
        _ = getrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &limit)
        var soft = rlim_t(used + max(1, seconds))
        // RLIM_INFINITY is the largest value, so this also holds without a hard limit.
        soft = min(soft, limit.rlim_max)
        limit.rlim_cur = soft
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &limit)
    }
}

/// Why a worker gave no snapshot for an input: the `failed/` reason code and what was exceeded.
enum WorkerFailure: Error, Equatable, Sendable {
    case timeout(seconds: Int, wallClock: Bool)
    case tooMuchMemory(limit: Int)
    case crashed(how: String)
    case outputTooLarge(bytes: Int, limit: Int)

    var code: String {
        switch self {
        case .timeout: "timeout"
        case .tooMuchMemory: "too_much_memory"
        case .crashed: "crashed"
        case .outputTooLarge: "output_too_large"
        }
    }

    var detail: String {
        switch self {
        case .timeout(let seconds, let wallClock):
            wallClock
                ? "extraction did not finish within \(seconds * 2 + 1) s of wall-clock time "
                    + "(input.max_seconds: \(seconds) s of CPU time) and was stopped"
                : "extraction used more than \(seconds) s of CPU time (input.max_seconds) and was stopped"
        case .tooMuchMemory(let limit):
            "extraction needed more than \(ByteSize(limit)) of memory (input.max_memory) and was stopped"
        case .crashed(let how):
            "the worker reading this input died (\(how)); the daemon went on with a new worker. "
                + "If the input looks sound, report it with the file attached"
        case .outputTooLarge(let bytes, let limit):
            "the snapshot would be \(bytes) bytes, more than \(limit) (input.max_output_bytes)"
        }
    }
}

/// A byte count as people read it: `512 MiB`, `3.5 KiB`, `20 bytes`.
struct ByteSize: CustomStringConvertible {
    var bytes: Int
    init(_ bytes: Int) { self.bytes = bytes }
    var description: String {
        for (unit, factor) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= factor {
            return bytes % factor == 0
                ? "\(bytes / factor) \(unit)" : String(format: "%.1f \(unit)", Double(bytes) / Double(factor))
        }
        return "\(bytes) bytes"
    }
}
