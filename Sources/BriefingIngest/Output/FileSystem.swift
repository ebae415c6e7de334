import CLinuxShim
import Foundation

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A POSIX call that failed: which call, on what, and errno's text.
public struct FileSystemError: Error, CustomStringConvertible, Equatable {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    /// True when the cause is a full disk or quota, which clears by itself once space returns.
    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }
}

/// Thin, retry-safe wrappers over the POSIX calls the writer and the inbox need.
public enum FileSystem {
    /// Mode of the folders the daemon creates: owner and group only, so that a `briefingd-readers`
    /// group (inherited from a setgid parent) can read snapshots and nobody else can.
    public static let directoryMode: mode_t = 0o750
    /// Mode of the files the daemon creates (snapshots, manifest, error files); see ``directoryMode``.
    public static let fileMode: mode_t = 0o640

    /// `mkdir -p`, fsyncing each parent whose entry was created. New folders get ``directoryMode``
    /// (less the umask); a setgid parent passes its group and setgid bit on, as Linux does.
    public static func makeDirectories(_ path: String) throws(FileSystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            let parent = current.isEmpty ? "/" : current
            current += "/" + component
            if mkdir(current, directoryMode) == 0 {
                try syncDirectory(parent)
            } else if errno != EEXIST {
                throw FileSystemError("mkdir", current)
            }
        }
    }

    /// fsync a directory so that entries created, renamed or removed in it survive a crash.
    public static func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileSystemError("fsync", path) }
    }

    /// Flushes the whole file system holding `path`: one call makes a batch of written files durable.
    public static func syncFileSystem(containing path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open", path) }
        defer { close(fd) }
        guard briefingd_syncfs(fd) == 0 else { throw FileSystemError("syncfs", path) }
    }

    /// Creates `path` (which must not exist) holding `bytes`; with `sync`, fsyncs it before returning.
    public static func writeNewFile(_ path: String, _ bytes: [UInt8], sync: Bool) throws(FileSystemError) {
        let fd = open(FileName.cPath(path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw FileSystemError("create", FileName.display(path)) }
        var failure = bytes.withUnsafeBytes { buffer in
            Result { () throws(FileSystemError) in try writeAll(fd, buffer, "write", path) }.failure
        }
        if failure == nil && sync && fsync(fd) != 0 { failure = FileSystemError("fsync", path) }
        close(fd)
        if let failure {
            unlink(FileName.cPath(path))
            throw failure
        }
    }

    /// Appends `bytes` to `path` (created if missing) and fdatasyncs it. When the write fails part
    /// way (disk full), the file is cut back to its old length, so that a later append does not
    /// land after a torn line.
    public static func appendAndSync(_ path: String, _ bytes: [UInt8]) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw FileSystemError("open", path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileSystemError("fstat", path) }
        let appended = bytes.withUnsafeBytes { buffer in
            Result { () throws(FileSystemError) in try writeAll(fd, buffer, "append", path) }
        }
        if let error = appended.failure {
            _ = ftruncate(fd, st.st_size)
            throw error
        }
        guard fdatasync(fd) == 0 else {
            let failure = FileSystemError("fdatasync", path)
            _ = ftruncate(fd, st.st_size)
            throw failure
        }
    }

    /// Renames `from` into `directory` under `name`, or `name` with `-1`, `-2`, … before its
    /// extension when that is taken (the stem cut short when the name would pass 255 bytes).
    /// Never overwrites. Returns the new path.
    @discardableResult
    public static func moveWithoutOverwriting(_ from: String, toDirectory directory: String, name: String)
        throws(FileSystemError) -> String
    {
        let (stem, ext) = splitExtension(name)
        let fromPath = FileName.cPath(from)
        for attempt in 0..<10_000 {
            var candidate = name
            if attempt > 0 {
                let tail = "-\(attempt)\(ext)"
                let room = FileName.maxBytes - FileName.rawBytes(tail).count
                candidate = FileName.prefix(of: stem, maxBytes: room) + tail
            }
            let target = directory + "/" + candidate
            if briefingd_rename_noreplace(fromPath, FileName.cPath(target)) == 0 { return target }
            switch errno {
            case EEXIST: continue
            case EXDEV:
                try copyAcrossFileSystems(from, target)
                return target
            default:
                throw FileSystemError("rename", "\(FileName.display(from)) -> \(FileName.display(target))")
            }
        }
        throw FileSystemError("rename", FileName.display(from), code: EEXIST)
    }

    /// `report.final.txt` → (`report.final`, `.txt`); dotfiles and names without a dot keep no extension.
    static func splitExtension(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }

    private static func copyAcrossFileSystems(_ from: String, _ to: String) throws(FileSystemError) {
        let bytes: [UInt8]
        do {
            bytes = try readRegularFile(from, limit: Int.max)
        } catch {
            if case .io(let e) = error { throw e }
            throw FileSystemError("read", FileName.display(from), code: EINVAL)
        }
        try writeNewFile(to, bytes, sync: true)
        guard unlink(FileName.cPath(from)) == 0 else {
            throw FileSystemError("unlink", FileName.display(from))
        }
    }

    /// Reads a whole regular file without following symlinks.
    public static func readRegularFile(_ path: String, limit: Int) throws(ReadError) -> [UInt8] {
        let fd = open(FileName.cPath(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { throw .symlink }
            throw .io(FileSystemError("open", FileName.display(path)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(FileSystemError("fstat", path)) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notRegular(fileType(st.st_mode)) }
        let size = Int(st.st_size)
        guard size <= limit else { throw .tooLarge(size) }
        var bytes = [UInt8](repeating: 0, count: size)
        let outcome = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(FileSystemError) in try readFully(fd, into: buffer, "read", path) }
        }
        let read: Int
        switch outcome {
        case .success(let n): read = n
        case .failure(let error): throw .io(error)
        }
        // Shrank while reading: take what is there; the settle check guards this.
        return read == size ? bytes : Array(bytes[..<read])
    }

    /// The names in a folder (not `.` and `..`), each decoded by ``FileName/decode(_:)``, so that
    /// names that are not UTF-8 are listed too. Throws when the folder cannot be opened.
    public static func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(FileName.cPath(path)) else { throw FileSystemError("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    FileName.decode(
                        UnsafeBufferPointer(
                            start: bytes,
                            count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self)))
                    ).name
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public enum ReadError: Error {
        case symlink
        case notRegular(String)
        case tooLarge(Int)
        case io(FileSystemError)
    }

    static func fileType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "directory"
        case S_IFLNK: "symbolic link"
        case S_IFIFO: "named pipe"
        case S_IFSOCK: "socket"
        case S_IFCHR, S_IFBLK: "device"
        default: "regular file"
        }
    }
}
