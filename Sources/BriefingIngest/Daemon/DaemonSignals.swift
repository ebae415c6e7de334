import Foundation
import UnixSignals

/// The signals the daemon acts on: SIGTERM and SIGINT stop it gracefully, SIGHUP reloads the config.
///
/// swift-service-lifecycle receives them through libdispatch, which reads them from a signalfd on
/// Linux. A signalfd only sees a signal that no thread takes by its default action (which would
/// kill the process), so the signals must be blocked in every thread: ``block()`` blocks them in
/// the calling thread, and every thread started after it (Swift's executors, libdispatch, libcurl,
/// the inbox loop) inherits that mask.
public enum DaemonSignals {
    static let stopping: [UnixSignal] = [.sigterm, .sigint]
    static let reload: UnixSignal = .sighup

    /// Blocks the daemon's signals in the calling thread; call it first thing on the main thread,
    /// before any other thread is started.
    public static func block() {
        var mask = sigset_t()
        sigemptyset(&mask)
        for s in stopping + [reload] { sigaddset(&mask, s.rawValue) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
    }
}
