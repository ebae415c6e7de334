import BriefingCore
import Foundation
import Logging

// What happens to an input after its batch: archived, moved to failed/ with its reason, or left
// in the inbox when it was replaced meanwhile; and the start-up repair of failed/.

extension Ingestor {
    /// A crash between moving an input to `failed/` and writing its `NAME.error.json` leaves the
    /// input without its reason: find the reason again (the pipeline is deterministic) and write it.
    /// Also removes error files that were still temporary.
    func repairFailedFolder() {
        let dir = config.inbox.failed
        let names = (try? FileSystem.listDirectory(dir)) ?? []
        let present = Set(names)
        var touched = false
        for name in names.sorted() {
            if name.hasPrefix(SnapshotStore.tempPrefix) {
                unlink(FileName.cPath(dir + "/" + name))
                touched = true
                continue
            }
            guard !name.hasPrefix("."), !name.hasSuffix(".error.json"),
                !present.contains(FileName.errorFileName(for: name))
            else { continue }
            let now = Timestamp.now()
            let item = IngestItem.file(InboxFile(name: name, path: dir + "/" + name))
            let (code, detail): (String, String)
            switch extractNow(prepare(item)) {
            case .failure(.input(let c, let d)): (code, detail) = (c, d)
            case .failure(.vanished): continue
            case .success:
                (code, detail) = (
                    "interrupted",
                    "the daemon stopped before it recorded why this input failed, and it now reads fine; "
                        + "move it back into the inbox to try again"
                )
            }
            do {
                try writeErrorFile(
                    for: dir + "/" + name, fields: nameFields(name), code: code, detail: detail, at: now)
                try? state.recordFailure(
                    source: "inbox", name: FileName.display(name), error: code, detail: detail,
                    at: now.rfc3339)
                touched = true
                logger.notice(
                    "failed_reason_restored",
                    metadata: fileMetadata(name).merging(["error": "\(code)"]) { $1 })
            } catch {
                logger.error(
                    "failed_reason_lost", metadata: fileMetadata(name).merging(["error": "\(error)"]) { $1 })
            }
        }
        if touched { try? FileSystem.syncDirectory(dir) }
    }

    /// Extracts one prepared input now: in a worker when the daemon has them (an input that once
    /// crashed a worker must not crash the daemon at start), else in this process.
    private func extractNow(_ prepared: Prepared) -> Result<Extraction, IngestFailure> {
        if let result = prepared.work.result { return result }
        guard let pool else {
            let (reply, json) = ExtractionWorker.process(prepared.request!, bytes: prepared.bytes)
            return Self.result(reply: reply, json: json)
        }
        switch pool.extractNow(prepared.request!, bytes: prepared.bytes) {
        case .extracted(let id, let json, let notes):
            return .success(Extraction(id: id, json: json, notes: notes))
        case .failed(let code, let detail): return .failure(.input(code: code, detail: detail))
        case .unavailable(let reason): return .failure(.input(code: "crashed", detail: reason))
        }
    }

    /// Log fields naming an inbox file: escaped when not UTF-8, and then saying so.
    func fileMetadata(_ name: String) -> Logger.Metadata {
        FileName.isUTF8(name)
            ? ["file": "\(name)"]
            : ["file": "\(FileName.display(name))", "file_name_utf8": .stringConvertible(false)]
    }

    /// Error-file fields naming an inbox file, as ``fileMetadata(_:)`` does.
    func nameFields(_ name: String) -> [(String, String)] {
        FileName.isUTF8(name)
            ? [("file", name)]
            : [("file", FileName.display(name)), ("file_name_encoding", "not UTF-8; bytes shown as \\xNN")]
    }

    /// Moves inputs out of the inbox (archive or failed) and logs each outcome.
    func settleInputs(_ work: [Work], _ outcomes: [IngestOutcome]) {
        var touched = Set<String>()
        for (w, outcome) in zip(work, outcomes) {
            let elapsed = ContinuousClock.now - w.started
            var meta: Logger.Metadata = ["duration_ms": .stringConvertible(elapsed.wholeMilliseconds)]
            switch w.item {
            case .file(let f): meta.merge(fileMetadata(f.name)) { $1 }
            case .fetched(let d):
                meta["source"] = "\(d.sourceName)"
                meta["url"] = "\(d.url)"
            }
            let sourceName = w.item.sourceName
            switch outcome {
            case .written(let id, let path):
                meta["id"] = "\(id)"
                meta["snapshot"] = "\(path)"
                if case .file(let f) = w.item {
                    meta["archived"] = "\(FileName.display(archive(f, w, touched: &touched)))"
                }
                metrics.snapshotWritten(source: sourceName, duration: elapsed)
                logger.info("snapshot_written", metadata: meta)
            case .duplicate(let id, let path):
                meta["id"] = "\(id)"
                meta["snapshot"] = "\(path)"
                if case .file(let f) = w.item {
                    meta["archived"] = "\(FileName.display(archive(f, w, touched: &touched)))"
                }
                metrics.duplicate(source: sourceName)
                logger.info("duplicate", metadata: meta)
            case .unchanged(let id):
                meta["id"] = "\(id)"
                metrics.unchanged(source: sourceName)
                logger.info("unchanged", metadata: meta)
            case .failed(let code, let detail):
                meta["error"] = "\(code)"
                meta["detail"] = "\(detail)"
                meta["moved_to"] =
                    "\(FileName.display(fail(w, code: code, detail: detail, touched: &touched)))"
                try? state.recordFailure(
                    source: sourceName, name: Self.logName(w.item), error: code, detail: detail,
                    at: w.ingestedAt.rfc3339)
                metrics.failed(source: sourceName)
                logger.warning("input_failed", metadata: meta)
            case .deferred(let reason):
                meta["reason"] = "\(reason)"
                logger.debug("deferred", metadata: meta)
            case .vanished:
                logger.debug("vanished", metadata: meta)
            case .stopping:
                // Only the fetch queue answers this, never the ingestor.
                break
            }
        }
        for dir in touched { try? FileSystem.syncDirectory(dir) }
    }

    func archive(_ file: InboxFile, _ work: Work, touched: inout Set<String>) -> String {
        guard isUnchanged(file, work) else { return "" }
        let time = work.ingestedAt
        let dir = config.inbox.archive + "/" + time.civilDate.iso
        do {
            try FileSystem.makeDirectories(dir)
            let target = try FileSystem.moveWithoutOverwriting(file.path, toDirectory: dir, name: file.name)
            touched.insert(dir)
            touched.insert(config.inbox.path)
            return target
        } catch {
            // The snapshot is committed; a later pass sees the input as a duplicate and archives it then.
            logger.error(
                "archive_failed", metadata: fileMetadata(file.name).merging(["error": "\(error)"]) { $1 })
            return ""
        }
    }

    /// Puts a failed input into `failed/` with `NAME.error.json` beside it: an inbox file is moved
    /// there; a fetched body, which exists nowhere else, is written there so nothing is lost.
    func fail(_ work: Work, code: String, detail: String, touched: inout Set<String>) -> String {
        let time = work.ingestedAt
        do {
            switch work.item {
            case .file(let file):
                guard isUnchanged(file, work) else { return "" }
                let target = try FileSystem.moveWithoutOverwriting(
                    file.path, toDirectory: config.inbox.failed, name: file.name)
                try writeErrorFile(
                    for: target, fields: nameFields(file.name), code: code, detail: detail, at: time)
                touched.insert(config.inbox.path)
                touched.insert(config.inbox.failed)
                return target
            case .fetched(let doc):
                let ext = doc.hints.contentType?.contains("html") == true ? ".html" : ".body"
                let temp = config.inbox.failed + "/" + SnapshotStore.tempPrefix + doc.sourceName
                unlink(FileName.cPath(temp))
                try FileSystem.writeNewFile(temp, doc.body, sync: true)
                let target = try FileSystem.moveWithoutOverwriting(
                    temp, toDirectory: config.inbox.failed, name: "\(doc.sourceName)-\(time.compact)\(ext)")
                try writeErrorFile(
                    for: target, fields: [("url", doc.url)], code: code, detail: detail, at: time)
                touched.insert(config.inbox.failed)
                return target
            }
        } catch {
            logger.error(
                "move_to_failed_failed",
                metadata: ["input": "\(Self.logName(work.item))", "error": "\(error)"])
            return ""
        }
    }

    /// False when another file took the input's name while it was processed (a writer replaced
    /// it): that file is not what was read, so it stays in the inbox, and the daemon's loop, which
    /// looks again at every name still there after a batch, takes it on its own.
    func isUnchanged(_ file: InboxFile, _ work: Work) -> Bool {
        guard let before = work.identity else { return true }
        guard let now = FileIdentity(path: file.path) else {
            // Its owner took it away after it was read: nothing is left to move.
            logger.debug("vanished", metadata: fileMetadata(file.name))
            return false
        }
        guard now != before else { return true }
        logger.notice(
            "input_replaced",
            metadata: fileMetadata(file.name).merging(["action": "the new file is taken on its own"]) { $1 })
        return false
    }

    /// Writes the error file of `target` (``FileName/errorFileName(for:)``: error, detail, at, then
    /// `fields`) whole or not at all (temporary file, fsync, rename). The temporary name is short
    /// whatever the input's name, so that a long name never keeps its reason from being written.
    func writeErrorFile(
        for target: String, fields: [(String, String)], code: String, detail: String, at time: Timestamp
    ) throws(FileSystemError) {
        var json = "{"
        for (i, (key, value)) in ([("error", code), ("detail", detail), ("at", time.rfc3339)] + fields)
            .enumerated()
        {
            json += i == 0 ? "\"\(key)\":" : ",\"\(key)\":"
            appendJSONString(value, to: &json)
        }
        json += "}\n"
        let directory = (target as NSString).deletingLastPathComponent
        let errorPath = directory + "/" + FileName.errorFileName(for: (target as NSString).lastPathComponent)
        let temp =
            directory + "/" + SnapshotStore.tempPrefix + "error-"
            + SHA256Digest.hex(of: FileName.rawBytes(target)).prefix(16)
        unlink(FileName.cPath(temp))
        try FileSystem.writeNewFile(temp, Array(json.utf8), sync: true)
        guard rename(FileName.cPath(temp), FileName.cPath(errorPath)) == 0 else {
            let error = FileSystemError("rename", "\(temp) -> \(FileName.display(errorPath))")
            unlink(FileName.cPath(temp))
            throw error
        }
    }
}

/// Which file a path names (device and inode, without following symlinks).
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var st = stat()
        guard lstat(FileName.cPath(path), &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}
