import Foundation

/// A page, digest or index that could not be written, and what to do about it.
public struct PageWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String {
        "cannot write \(path): \(reason); pages are rebuilt with `briefingd render --all` once this is fixed"
    }
}

/// The pages beside the snapshots of one snapshot folder (contract: "Snapshot directory"):
/// `YYYY-MM-DD/<name>.html` for each `<name>.json`, `YYYY-MM-DD/index.html` per day and `index.html`.
///
/// Each file is written under a temporary name and renamed into place, so that a reader never sees
/// half a page. Pages are not fsynced: they are derived, and `render --all` rebuilds any lost in a crash.
/// Not thread-safe: one owner at a time (the page service, or the render command).
public final class PageSite {
    public let root: String
    let renderer: PageRenderer
    /// Digest entries by day and snapshot file name, so that a new snapshot does not make the day's
    /// other snapshots be read again.
    private var days: [String: [String: DigestEntry]] = [:]

    static let tempPrefix = ".page-"
    /// Days whose digest entries stay in memory: snapshots are dated by ingestion, so new ones
    /// land in the last day or two; an older day is read again if it is ever touched.
    static let daysKept = 3

    public init(root: String, renderer: PageRenderer) {
        self.root = root
        self.renderer = renderer
    }

    /// `20261129T041002Z-inbox-0123456789ab.json` → `20261129T041002Z-inbox-0123456789ab.html`
    public static func pageName(forSnapshot jsonName: String) -> String {
        (jsonName.hasSuffix(".json") ? String(jsonName.dropLast(5)) : jsonName) + ".html"
    }

    /// True for `YYYY-MM-DD`.
    public static func isDay(_ name: String) -> Bool {
        let u = Array(name.utf8)
        return u.count == 10
            && u.indices.allSatisfy { i in
                i == 4 || i == 7 ? u[i] == UInt8(ascii: "-") : (48...57).contains(u[i])
            }
    }

    /// Writes the pages of snapshots given relative to the root (`YYYY-MM-DD/<name>.json`), then
    /// the digest of each day they belong to and the index of days. Returns what failed, per path.
    public func update(_ relativePaths: [String]) -> [(path: String, error: PageWriteError)] {
        let (days, failures) = writePages(relativePaths)
        return failures + writeDigests(days)
    }

    /// Writes the pages of snapshots given relative to the root; returns the days they belong to
    /// (whose digests are then out of date) and what failed.
    public func writePages(_ relativePaths: [String]) -> (
        days: Set<String>, failures: [(path: String, error: PageWriteError)]
    ) {
        var failures: [(String, PageWriteError)] = []
        var touched = Set<String>()
        for relative in relativePaths {
            let parts = relative.split(separator: "/")
            guard parts.count == 2, Self.isDay(String(parts[0])) else {
                failures.append(
                    (relative, PageWriteError(path: relative, reason: "not YYYY-MM-DD/NAME.json")))
                continue
            }
            let day = String(parts[0])
            // The digest lists the snapshot even when its own page could not be written.
            touched.insert(day)
            do {
                let entry = try writePage(root + "/" + relative)
                days[day, default: [:]][entry.jsonName] = entry
            } catch {
                failures.append((relative, error))
            }
        }
        return (touched, failures)
    }

    /// Rewrites the digests of `days` and, when there are any, the index of days.
    public func writeDigests(_ days: Set<String>) -> [(path: String, error: PageWriteError)] {
        var failures: [(String, PageWriteError)] = []
        for day in days.sorted() {
            do { try writeDay(day) } catch { failures.append((day + "/index.html", error)) }
        }
        if !days.isEmpty {
            do { try writeIndex() } catch { failures.append(("index.html", error)) }
        }
        forgetOldDays()
        return failures
    }

    /// Writes the page of the snapshot file at `path` beside it; returns its digest entry.
    @discardableResult
    public func writePage(_ path: String) throws(PageWriteError) -> DigestEntry {
        let snapshot = try Self.read(path)
        let jsonName = (path as NSString).lastPathComponent
        let directory = (path as NSString).deletingLastPathComponent
        let html = renderer.page(snapshot, jsonName: jsonName)
        try Self.replace(directory + "/" + Self.pageName(forSnapshot: jsonName), with: html)
        return DigestEntry(snapshot, jsonName: jsonName)
    }

    private func forgetOldDays() {
        guard days.count > Self.daysKept else { return }
        for day in days.keys.sorted().dropLast(Self.daysKept) { days[day] = nil }
    }

    /// Rewrites `YYYY-MM-DD/index.html` from the day's snapshot files: entries already known are
    /// reused, new files are read, removed ones dropped.
    public func writeDay(_ day: String) throws(PageWriteError) {
        let directory = root + "/" + day
        let names = Self.snapshotNames(in: directory)
        var known = days[day] ?? [:]
        for name in known.keys where !names.contains(name) { known[name] = nil }
        for name in names where known[name] == nil {
            // A snapshot that cannot be read has no page either; the digest lists the others.
            if let snapshot = try? Self.read(directory + "/" + name) {
                known[name] = DigestEntry(snapshot, jsonName: name)
            }
        }
        days[day] = known
        let entries = known.values.sorted { $0.jsonName < $1.jsonName }
        try Self.replace(directory + "/index.html", with: renderer.day(day, entries: entries))
    }

    /// Rewrites the top `index.html`: every day folder with its number of snapshots, newest first.
    public func writeIndex() throws(PageWriteError) {
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let rows = listing.filter(Self.isDay).sorted(by: >).compactMap { day -> (day: String, count: Int)? in
            // Days read already count the snapshots that could be read; others count their files.
            let count = days[day]?.count ?? Self.snapshotNames(in: root + "/" + day).count
            return count > 0 ? (day, count) : nil
        }
        try Self.replace(root + "/index.html", with: renderer.days(rows))
    }

    /// What ``rebuildAll()`` did.
    public struct Rebuild: Sendable {
        public var pages = 0
        public var days = 0
        public var failures: [(path: String, error: PageWriteError)] = []
    }

    /// Rebuilds every page, digest and the index from the snapshot files, and removes temporary
    /// files an interrupted write left behind.
    public func rebuildAll() -> Rebuild {
        var result = Rebuild()
        days = [:]
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for day in listing.filter(Self.isDay).sorted() {
            let directory = root + "/" + day
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where name.hasPrefix(Self.tempPrefix) {
                unlink(directory + "/" + name)
            }
            var entries: [String: DigestEntry] = [:]
            for name in Self.snapshotNames(in: directory) {
                do {
                    entries[name] = try writePage(directory + "/" + name)
                    result.pages += 1
                } catch {
                    result.failures.append((day + "/" + name, error))
                }
            }
            days[day] = entries
            do {
                try writeDay(day)
                result.days += 1
            } catch {
                result.failures.append((day + "/index.html", error))
            }
            forgetOldDays()
        }
        do { try writeIndex() } catch { result.failures.append(("index.html", error)) }
        return result
    }

    // MARK: - Files

    /// Snapshot file names of a day folder (`*.json`, no temporary or hidden files), sorted.
    static func snapshotNames(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
    }

    static func read(_ path: String) throws(PageWriteError) -> PageSnapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PageWriteError(
                path: path, reason: "cannot read the snapshot (\(String(cString: strerror(errno))))")
        }
        do {
            return try PageSnapshot.decode(data, path: path)
        } catch {
            throw PageWriteError(path: path, reason: error.description)
        }
    }

    /// Writes `text` to a temporary file beside `path` and renames it over `path`.
    static func replace(_ path: String, with text: String) throws(PageWriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = directory + "/" + tempPrefix + (path as NSString).lastPathComponent
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw PageWriteError(path: path, reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        var bytes = text
        bytes.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        close(fd)
        if failure == 0, rename(temp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temp)
            throw PageWriteError(path: path, reason: String(cString: strerror(failure)))
        }
    }
}
