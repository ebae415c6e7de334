import BriefingCore
import Foundation

/// The snapshot directory of the contract: `YYYY-MM-DD/<ts>-<source>-<id12>.json` files, each
/// appearing whole or not at all, and `manifest.jsonl` with one line per snapshot.
public final class SnapshotStore: Sendable {
    public let root: String
    public var manifestPath: String { root + "/manifest.jsonl" }
    static let tempPrefix = ".tmp-"

    public init(root: String) { self.root = root }

    /// A snapshot ready to be written: its id and source, its encoded bytes and where it goes.
    public struct Pending: Sendable {
        public var id: String
        public var sourceName: String
        public var url: String?
        /// RFC 3339 ingestion time, as in the document.
        public var ingestedAt: String
        public var bytes: [UInt8]
        /// `YYYY-MM-DD/<ts>-<source>-<id12>.json`
        public var relativePath: String

        public init(id: String, sourceName: String, url: String?, bytes: [UInt8], ingestedAt: Timestamp) {
            self.id = id
            self.sourceName = sourceName
            self.url = url
            self.ingestedAt = ingestedAt.rfc3339
            self.bytes = bytes
            relativePath =
                "\(ingestedAt.civilDate.iso)/\(ingestedAt.compact)-\(sourceName)-\(id.prefix(12)).json"
        }

        public init(snapshot: Snapshot, bytes: [UInt8], ingestedAt: Timestamp) {
            self.init(
                id: snapshot.id, sourceName: snapshot.source.name, url: snapshot.source.url, bytes: bytes,
                ingestedAt: ingestedAt)
        }
    }

    /// Writes a batch of snapshots durably: every file is written under a temporary name, the file
    /// system is synced once for the whole batch, then each file is renamed into place and its
    /// directory fsynced. A crash leaves either the whole file or only a temporary one (removed at start).
    /// A failure removes whatever the batch had placed, so that a retry cannot make a second file
    /// for the same content.
    public func write(_ batch: [Pending]) throws(FileSystemError) {
        guard !batch.isEmpty else { return }
        var directories = Set<String>()
        var temps: [String] = []
        var placed: [String] = []
        do throws(FileSystemError) {
            for item in batch {
                let path = root + "/" + item.relativePath
                let directory = (path as NSString).deletingLastPathComponent
                if directories.insert(directory).inserted { try FileSystem.makeDirectories(directory) }
                let temp = Self.tempPath(for: path)
                unlink(temp)  // a leftover from a crash at the same instant must not block the write
                try FileSystem.writeNewFile(temp, item.bytes, sync: false)
                temps.append(temp)
            }
            try FileSystem.syncFileSystem(containing: root)
            for item in batch {
                let path = root + "/" + item.relativePath
                let temp = Self.tempPath(for: path)
                guard rename(temp, path) == 0 else { throw FileSystemError("rename", temp) }
                placed.append(path)
            }
            for directory in directories { try FileSystem.syncDirectory(directory) }
        } catch {
            for path in temps + placed { unlink(path) }
            for directory in directories { try? FileSystem.syncDirectory(directory) }
            throw error
        }
    }

    /// Removes the files of a batch that ``write(_:)`` placed but that could not be recorded, so
    /// that the retry writes them again rather than leaving unrecorded twins behind.
    public func discard(_ batch: [Pending]) {
        var directories = Set<String>()
        for item in batch {
            let path = root + "/" + item.relativePath
            unlink(path)
            directories.insert((path as NSString).deletingLastPathComponent)
        }
        for directory in directories { try? FileSystem.syncDirectory(directory) }
    }

    private static func tempPath(for path: String) -> String {
        (path as NSString).deletingLastPathComponent + "/" + tempPrefix + (path as NSString).lastPathComponent
    }

    /// One manifest line per record, appended with a single write and fdatasync.
    public func appendManifest(_ records: [StateStore.SnapshotRecord]) throws(FileSystemError) {
        guard !records.isEmpty else { return }
        var text = ""
        for r in records { text += Self.manifestLine(r) }
        try FileSystem.appendAndSync(manifestPath, Array(text.utf8))
    }

    static func manifestLine(_ r: StateStore.SnapshotRecord) -> String {
        var line = "{\"id\":"
        appendJSONString(r.id, to: &line)
        line += ",\"path\":"
        appendJSONString(r.path, to: &line)
        line += ",\"source\":"
        appendJSONString(r.source, to: &line)
        if let url = r.url {
            line += ",\"url\":"
            appendJSONString(url, to: &line)
        }
        line += ",\"ingested_at\":"
        appendJSONString(r.ingestedAt, to: &line)
        return line + "}\n"
    }

    /// What start-up recovery found and repaired.
    public struct Recovery: Sendable, Equatable {
        public var tempFilesRemoved = 0
        public var tornManifestBytes = 0
        public var snapshotsRecorded = 0
        public var manifestLinesAdded = 0
    }

    /// Brings state and manifest in line with the snapshot files after a crash or a lost state
    /// database: removes temporary files, cuts a torn last manifest line, records snapshot files the
    /// state does not know, and appends manifest lines for recorded snapshots the manifest lacks.
    public func recover(state: StateStore) throws -> Recovery {
        var recovery = Recovery()
        try FileSystem.makeDirectories(root)
        recovery.tornManifestBytes = try repairManifestTail()

        let known = Set(try state.allSnapshots().map(\.path))
        var found: [StateStore.SnapshotRecord] = []
        let fm = FileManager.default
        for day in (try? fm.contentsOfDirectory(atPath: root))?.sorted() ?? [] where Self.isDateDirectory(day)
        {
            for name in (try? fm.contentsOfDirectory(atPath: root + "/" + day))?.sorted() ?? [] {
                let path = root + "/" + day + "/" + name
                if name.hasPrefix(Self.tempPrefix) {
                    unlink(path)
                    recovery.tempFilesRemoved += 1
                } else if name.hasSuffix(".json"), !known.contains(day + "/" + name),
                    let record = Self.readRecord(path: path, relativePath: day + "/" + name)
                {
                    found.append(record)
                }
            }
        }
        try state.record(found)
        recovery.snapshotsRecorded = found.count

        let inManifest = try manifestIDs()
        let missing = try state.allSnapshots().filter { !inManifest.contains($0.id) }
        try appendManifest(missing)
        recovery.manifestLinesAdded = missing.count
        return recovery
    }

    /// Ids listed in the manifest.
    public func manifestIDs() throws -> Set<String> {
        guard let data = FileManager.default.contents(atPath: manifestPath) else { return [] }
        var ids = Set<String>()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            struct Line: Decodable { var id: String }
            if let l = try? JSONDecoder().decode(Line.self, from: Data(line)) { ids.insert(l.id) }
        }
        return ids
    }

    private func repairManifestTail() throws(FileSystemError) -> Int {
        let fd = open(manifestPath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return 0 }
        // Read backwards in chunks until the last newline: everything after it is a torn line.
        let size = Int(st.st_size)
        var end = size
        var buffer = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - buffer.count)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, end - start, off_t(start)) }
            guard n == end - start else { throw FileSystemError("read", manifestPath) }
            if let i = buffer[0..<n].lastIndex(of: UInt8(ascii: "\n")) {
                end = start + i + 1
                break
            }
            end = start
        }
        guard end < size else { return 0 }
        guard ftruncate(fd, off_t(end)) == 0, fsync(fd) == 0 else {
            throw FileSystemError("truncate", manifestPath)
        }
        return size - end
    }

    static func isDateDirectory(_ name: String) -> Bool {
        let u = Array(name.utf8)
        return u.count == 10 && u[4] == 45 && u[7] == 45
            && u.enumerated().allSatisfy {
                $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element)
            }
    }

    private static func readRecord(path: String, relativePath: String) -> StateStore.SnapshotRecord? {
        struct Head: Decodable {
            struct Src: Decodable {
                var name: String
                var url: String?
            }
            var id: String
            var source: Src
            var ingested_at: String
        }
        guard let data = FileManager.default.contents(atPath: path),
            let head = try? JSONDecoder().decode(Head.self, from: data)
        else { return nil }
        return StateStore.SnapshotRecord(
            id: head.id, path: relativePath, source: head.source.name, url: head.source.url,
            ingestedAt: head.ingested_at)
    }
}
