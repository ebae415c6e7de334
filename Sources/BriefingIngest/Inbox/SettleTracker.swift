import Foundation

/// Decides when a file in the inbox is complete and may be taken.
///
/// As in Vector's and NiFi's file sources, a file is taken only once its writer is done — it was
/// closed after writing or renamed in — and its size and mtime have not changed over `settle`.
/// Names starting with `.` and ending in `.tmp`, `.part` or `~` are never taken: writers use them
/// while a file is being written.
struct SettleTracker {
    private struct Candidate {
        var size: Int64
        var mtimeNanoseconds: Int64
        /// After this the file may be taken if nothing changed.
        var eligibleAt: ContinuousClock.Instant
        /// A writer touched the file and has not closed it yet.
        var writing: Bool
    }

    let directory: String
    var settle: Duration
    /// A file a writer left open without closing (e.g. it crashed) is taken after this long unchanged.
    var abandonedAfter: Duration = .seconds(60)
    private var candidates: [String: Candidate] = [:]
    /// Names handed out and not yet settled by an outcome.
    private var inFlight = Set<String>()

    init(directory: String, settle: Duration) {
        self.directory = directory
        self.settle = settle
    }

    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix("~")
    }

    var pendingCount: Int { candidates.count }

    mutating func completed(_ name: String, now: ContinuousClock.Instant) {
        note(name, writing: false, now: now)
    }

    mutating func activity(_ name: String, now: ContinuousClock.Instant) {
        note(name, writing: true, now: now)
    }

    private mutating func note(_ name: String, writing: Bool, now: ContinuousClock.Instant) {
        guard !Self.isIgnored(name), !inFlight.contains(name) else { return }
        guard let st = Self.lstat(directory + "/" + name) else {
            candidates[name] = nil
            return
        }
        // Only regular files have writers; a symlink, folder or pipe is complete when it appears.
        let regular = (st.st_mode & S_IFMT) == S_IFREG
        candidates[name] = Candidate(
            size: Int64(st.st_size), mtimeNanoseconds: Self.mtime(st), eligibleAt: now + settle,
            writing: writing && regular)
    }

    /// Adds every file in the folder that is not known yet (start-up, periodic rescan, overflow).
    mutating func scan(now: ContinuousClock.Instant) {
        guard let names = try? FileSystem.listDirectory(directory) else { return }
        for name in names where candidates[name] == nil && !inFlight.contains(name) && !Self.isIgnored(name) {
            guard let st = Self.lstat(directory + "/" + name) else { continue }
            // Found without an event: its writer may still be at work, so it must prove stable first.
            candidates[name] = Candidate(
                size: Int64(st.st_size), mtimeNanoseconds: Self.mtime(st),
                eligibleAt: now + settle,
                writing: false)
        }
    }

    /// Files that have settled, removed from tracking and marked in flight.
    mutating func takeReady(now: ContinuousClock.Instant, limit: Int) -> [InboxFile] {
        var ready: [InboxFile] = []
        // mtimes are wall-clock: an abandoned writer is judged against the wall clock, once per pass.
        let wallNow = Int64(Date().timeIntervalSince1970 * 1000)
        for (name, c) in candidates where c.eligibleAt <= now {
            guard ready.count < limit else { break }
            let path = directory + "/" + name
            guard let st = Self.lstat(path) else {
                candidates[name] = nil
                continue
            }
            let size = Int64(st.st_size)
            let mtime = Self.mtime(st)
            let unchanged = size == c.size && mtime == c.mtimeNanoseconds
            let abandoned =
                c.writing && unchanged && .milliseconds(wallNow - mtime / 1_000_000) >= abandonedAfter
            if unchanged && (!c.writing || abandoned) {
                candidates[name] = nil
                inFlight.insert(name)
                ready.append(InboxFile(name: name, path: path))
            } else {
                candidates[name] = Candidate(
                    size: size, mtimeNanoseconds: mtime,
                    eligibleAt: now + (c.writing ? max(settle, .seconds(1)) : settle),
                    writing: c.writing)
            }
        }
        return ready
    }

    /// The file left the inbox (or will be retried by `retry`).
    mutating func finished(_ name: String) { inFlight.remove(name) }

    /// Puts a taken file back, to be tried again after `delay`.
    mutating func retry(_ name: String, after delay: Duration, now: ContinuousClock.Instant) {
        inFlight.remove(name)
        guard let st = Self.lstat(directory + "/" + name) else { return }
        candidates[name] = Candidate(
            size: Int64(st.st_size), mtimeNanoseconds: Self.mtime(st), eligibleAt: now + delay, writing: false
        )
    }

    /// Earliest instant at which `takeReady` could return something.
    var nextDeadline: ContinuousClock.Instant? { candidates.values.map(\.eligibleAt).min() }

    private static func lstat(_ path: String) -> stat? {
        var st = stat()
        return Glibc.lstat(FileName.cPath(path), &st) == 0 ? st : nil
    }

    private static func mtime(_ st: stat) -> Int64 {
        Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}
