import Foundation

/// The one loop around a POSIX call that a signal may interrupt: calls `body` again while it fails
/// with EINTR; any other failure throws errno as a ``FileSystemError`` naming `operation` and `path`.
func retryingOnEINTR<T: SignedInteger>(_ operation: String, _ path: String, _ body: () -> T)
    throws(FileSystemError) -> T
{
    while true {
        let result = body()
        if result >= 0 { return result }
        if errno != EINTR { throw FileSystemError(operation, path) }
    }
}

/// Writes all of `bytes` to `fd` (as many write(2) or send(2) calls as it takes). A call that
/// writes nothing is reported as ENOSPC, the only way a file write does that.
func writeAll(
    _ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ operation: String, _ path: String,
    call: (Int32, UnsafeRawPointer, Int) -> Int = { write($0, $1, $2) }
) throws(FileSystemError) {
    var offset = 0
    while offset < bytes.count {
        let n = try retryingOnEINTR(operation, path) {
            call(fd, bytes.baseAddress! + offset, bytes.count - offset)
        }
        guard n > 0 else { throw FileSystemError(operation, path, code: ENOSPC) }
        offset += n
    }
}

/// Reads from `fd` into `buffer` until it is full or the end of the file; returns the bytes read.
func readFully(
    _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, _ operation: String, _ path: String,
    call: (Int32, UnsafeMutableRawPointer, Int) -> Int = { read($0, $1, $2) }
) throws(FileSystemError) -> Int {
    var offset = 0
    while offset < buffer.count {
        let n = try retryingOnEINTR(operation, path) {
            call(fd, buffer.baseAddress! + offset, buffer.count - offset)
        }
        if n == 0 { break }
        offset += n
    }
    return offset
}
