import CLinuxShim
import Foundation

/// inotify on the inbox folder: reports names that were closed after writing, renamed in, or
/// created (for symlinks, folders and pipes, which are never "closed after writing").
final class InboxWatcher {
    enum Event: Equatable {
        /// Written and closed, or renamed into the folder: complete from the writer's side.
        case completed(String)
        /// Created or written to: a writer may still be at work.
        case activity(String)
        /// The kernel's event queue overflowed: events were lost, rescan everything.
        case overflow
        /// The inbox folder itself was removed or moved away.
        case folderGone
    }

    let fd: Int32
    private let path: String
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(path: String) throws(FileSystemError) {
        self.path = path
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw FileSystemError("inotify_init1", path) }
        let mask = UInt32(
            IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF)
        guard inotify_add_watch(fd, path, mask | UInt32(IN_ONLYDIR)) >= 0 else {
            let error = FileSystemError("inotify_add_watch", path)
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Reads every event queued now (the descriptor is non-blocking).
    func drain() -> [Event] {
        var events: [Event] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            var offset = 0
            buffer.withUnsafeBytes { raw in
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= n {
                    // Each record: an `inotify_event`, then `len` bytes of NUL-padded name.
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + header
                    let nameEnd = min(nameStart + Int(event.len), n)
                    // Names that are not UTF-8 keep their bytes (see FileName).
                    let name = FileName.decode(raw[nameStart..<nameEnd].prefix { $0 != 0 }).name
                    if let e = Self.event(mask: event.mask, name: name) { events.append(e) }
                    offset = nameStart + Int(event.len)
                }
            }
        }
        return events
    }

    /// What an inotify record means for the inbox; nil for events of no interest.
    private static func event(mask: UInt32, name: String) -> Event? {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { return .overflow }
        if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 { return .folderGone }
        guard !name.isEmpty else { return nil }
        return mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 ? .completed(name) : .activity(name)
    }
}
