import Foundation
import Synchronization

// Resident memory of the daemon, read from /proc/PID/status. A background thread samples VmRSS
// every 10 ms so a burst's peak is seen; VmHWM (the kernel's high-water mark) backs it up.

struct ProcessMemory: Sendable {
    var rssKiB: Int
    var highWaterMarkKiB: Int
    /// The anonymous part of VmRSS (heap, stacks): the process's own memory, without the pages of
    /// shared libraries that VmRSS also counts.
    var anonymousKiB: Int

    static func read(pid: Int32) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return nil
        }
        var memory = ProcessMemory(rssKiB: 0, highWaterMarkKiB: 0, anonymousKiB: 0)
        for line in status.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") {
                memory.rssKiB = kibibytes(line)
            } else if line.hasPrefix("VmHWM:") {
                memory.highWaterMarkKiB = kibibytes(line)
            } else if line.hasPrefix("RssAnon:") {
                memory.anonymousKiB = kibibytes(line)
            }
        }
        return memory
    }

    /// "VmRSS:	   12345 kB" → 12345
    private static func kibibytes(_ line: Substring) -> Int {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
    }
}

func mebibytes(kibibytes: Int) -> Double { Double(kibibytes) / 1024 }

/// User plus system CPU seconds a process has used so far (/proc/PID/stat fields 14 and 15).
func processCPUSeconds(pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    // Fields after the command name, which may contain spaces: state is field 3, utime 14, stime 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
        return nil
    }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The direct children of a process (the daemon's extraction workers), from /proc/PID/task/*/children.
func childProcesses(of pid: Int32) -> [Int32] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    var children: [Int32] = []
    for task in tasks {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
        children += text.split(separator: " ").compactMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
    return children.sorted()
}

/// CPU time of a process and its live children, in seconds.
func processTreeCPUSeconds(pid: Int32) -> Double? {
    guard let own = processCPUSeconds(pid: pid) else { return nil }
    return own + childProcesses(of: pid).compactMap { processCPUSeconds(pid: $0) }.reduce(0, +)
}

/// Samples a process's VmRSS every 10 ms on its own thread and keeps the largest value since the last reset.
final class MemorySampler: Sendable {
    private struct State {
        var peakKiB = 0
        var peakAnonymousKiB = 0
        var stopped = false
    }
    private let pid: Int32
    private let state = Mutex(State())

    init(pid: Int32) {
        self.pid = pid
        let thread = Thread { [self] in
            while true {
                let sample = ProcessMemory.read(pid: pid)
                let stop = state.withLock { s in
                    if let sample {
                        s.peakKiB = max(s.peakKiB, sample.rssKiB)
                        s.peakAnonymousKiB = max(s.peakAnonymousKiB, sample.anonymousKiB)
                    }
                    return s.stopped
                }
                if stop || sample == nil { return }
                MonotonicClock.sleep(milliseconds: 10)
            }
        }
        thread.name = "rss-sampler"
        thread.start()
    }

    /// Starts a new peak from the current reading.
    func reset() {
        let now = ProcessMemory.read(pid: pid)
        state.withLock {
            $0.peakKiB = now?.rssKiB ?? 0
            $0.peakAnonymousKiB = now?.anonymousKiB ?? 0
        }
    }

    var peakKiB: Int { state.withLock { $0.peakKiB } }
    var peakAnonymousKiB: Int { state.withLock { $0.peakAnonymousKiB } }

    func stop() { state.withLock { $0.stopped = true } }
}
