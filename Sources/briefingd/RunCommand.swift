import ArgumentParser
import BriefingIngest
import Dispatch
import Foundation
import Logging
import Synchronization

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon in the foreground (SIGTERM/SIGINT stop it, SIGHUP reloads the config).")

    @OptionGroup var options: ConfigOption

    /// Synchronous on purpose: the signal mask is set on the main thread before Swift concurrency
    /// starts any thread (``DaemonSignals``); the daemon then runs as a task while this thread waits.
    func run() throws {
        DaemonSignals.block()
        let config: DaemonConfig
        do {
            config = try ConfigLoader.load(path: options.path)
        } catch {
            FileHandle.standardError.write(Data("briefingd: config \(options.path): \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG: systemd will not restart-loop on a broken config
        }
        let level = JSONLogHandler.bootstrap(level: config.logLevel)
        let logger = Logger(label: "briefingd")
        let daemon = Daemon(
            config: config, configPath: options.path, logger: logger, logLevel: level, poller: CurlPoller())
        let outcome = DaemonOutcome()
        Task {
            outcome.set(await Result(catching: { try await daemon.run() }))
        }
        outcome.wait()
        switch outcome.result {
        case .success(let code):
            if code != 0 { throw ExitCode(code) }
        case .failure(let error):
            logger.critical("fatal", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        case nil:
            throw ExitCode.failure
        }
    }
}

/// The daemon's result, handed from its task to the main thread that waits for it.
private final class DaemonOutcome: Sendable {
    private let stored = Mutex<Result<Int32, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    var result: Result<Int32, any Error>? { stored.withLock { $0 } }

    func set(_ result: Result<Int32, any Error>) {
        stored.withLock { $0 = result }
        done.signal()
    }

    func wait() { done.wait() }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
