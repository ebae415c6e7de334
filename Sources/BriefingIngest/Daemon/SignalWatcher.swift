import CLinuxShim
import Foundation

/// SIGTERM, SIGINT and SIGHUP delivered through a signalfd, so the loop handles them between
/// batches instead of inside an async-signal handler.
final class SignalWatcher {
    enum Signal { case stop(Int32), reload }

    let fd: Int32

    /// Blocks the signals in the calling thread (threads started later inherit the mask) and opens
    /// the signalfd. Call it before any other thread is started.
    init() throws(FileSystemError) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, s) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        fd = signalfd(-1, &mask, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        guard fd >= 0 else { throw FileSystemError("signalfd", "") }
    }

    deinit { close(fd) }

    /// Signals received since the last call.
    func drain() -> [Signal] {
        var out: [Signal] = []
        var info = signalfd_siginfo()
        while read(fd, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            out.append(info.ssi_signo == UInt32(SIGHUP) ? .reload : .stop(Int32(info.ssi_signo)))
        }
        return out
    }
}
