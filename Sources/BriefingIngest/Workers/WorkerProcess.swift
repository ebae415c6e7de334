import CLinuxShim
import Foundation

/// One `briefingd worker` child and the three pipes to it, driven by one pool thread.
final class WorkerProcess {
    let pid: pid_t
    private let toChild: Int32
    private let fromChild: Int32
    private let errorsFromChild: Int32
    /// The first bytes the child wrote to its standard error: how it died, when it says so (the
    /// runtime's crash report starts with the cause and goes on with a long backtrace).
    private var stderrHead: [UInt8] = []
    private var reaped = false

    /// What became of one request.
    enum Outcome {
        case reply(WorkerFrame)
        /// The worker is gone (or was stopped) and must be replaced.
        case failed(WorkerFailure)
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `executable worker …` with its standard input, output and error on new pipes.
    static func spawn(executable: String, arguments: [String]) throws(SpawnError) -> WorkerProcess {
        var pipes: [Int32] = []
        for _ in 0..<3 {
            var fds: [Int32] = [0, 0]
            guard briefingd_pipe_cloexec(&fds) == 0 else {
                let message = String(cString: strerror(errno))
                pipes.forEach { close($0) }
                throw SpawnError(description: "cannot make a pipe for a worker: \(message)")
            }
            pipes += fds
        }
        // pipes: [in.read, in.write, out.read, out.write, err.read, err.write]
        let argv = [executable, "worker"] + arguments
        var cArgs = argv.map { strdup($0) }
        cArgs.append(nil)
        let pid = briefingd_spawn(executable, &cArgs, pipes[0], pipes[3], pipes[5])
        cArgs.forEach { free($0) }
        close(pipes[0])
        close(pipes[3])
        close(pipes[5])
        guard pid > 0 else {
            [pipes[1], pipes[2], pipes[4]].forEach { close($0) }
            throw SpawnError(
                description: "cannot start the worker \(executable): \(String(cString: strerror(-pid)))")
        }
        for fd in [pipes[2], pipes[4]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        return WorkerProcess(pid: pid, toChild: pipes[1], fromChild: pipes[2], errors: pipes[4])
    }

    private init(pid: pid_t, toChild: Int32, fromChild: Int32, errors: Int32) {
        self.pid = pid
        self.toChild = toChild
        self.fromChild = fromChild
        self.errorsFromChild = errors
    }

    deinit {
        stop()
        close(toChild)
        close(fromChild)
        close(errorsFromChild)
    }

    /// Sends one request and waits for its reply until `deadline`.
    func run(
        _ request: [UInt8], maxReplyBody: Int, deadline: ContinuousClock.Instant,
        limits: (seconds: Int, memory: Int)
    ) -> Outcome {
        guard PipeIO.writeAll(toChild, request) else { return .failed(death(limits: limits)) }
        var buffer: [UInt8] = []
        var expected: Int?
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let expected, buffer.count >= expected {
                let (h, _) = WorkerFrame.lengths(Array(buffer[0..<WorkerFrame.prefixLength]))
                let header = Array(buffer[WorkerFrame.prefixLength..<(WorkerFrame.prefixLength + h)])
                let body = Array(buffer[(WorkerFrame.prefixLength + h)..<expected])
                return .reply(WorkerFrame(header: header, body: body))
            }
            let now = ContinuousClock.now
            guard now < deadline else {
                stop()
                return .failed(.timeout(seconds: limits.seconds, wallClock: true))
            }
            var fds = [
                pollfd(fd: fromChild, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errorsFromChild, events: Int16(POLLIN), revents: 0),
            ]
            _ = poll(&fds, 2, deadline.pollTimeout(now: now))
            if fds[1].revents != 0 { drainErrors() }
            guard fds[0].revents != 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(fromChild, $0.baseAddress!, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n > 0 else { return .failed(death(limits: limits)) }
            buffer += chunk[0..<n]
            if expected == nil, buffer.count >= WorkerFrame.prefixLength {
                let (h, b) = WorkerFrame.lengths(Array(buffer[0..<WorkerFrame.prefixLength]))
                guard h <= WorkerFrame.maxHeaderBytes, b <= maxReplyBody else {
                    // The worker checks the size itself; a reply past it means the worker is broken.
                    stop()
                    return .failed(.outputTooLarge(bytes: b, limit: maxReplyBody))
                }
                expected = WorkerFrame.prefixLength + h + b
                buffer.reserveCapacity(expected!)
            }
        }
    }

    /// Kills the child (if still alive) and reaps it.
    func stop() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
    }

    /// Why the child died: reaps it and reads its exit status and last words.
    private func death(limits: (seconds: Int, memory: Int)) -> WorkerFailure {
        drainErrors()
        var status: Int32 = 0
        // Its output is closed, so it is exiting; give it a moment before forcing it.
        let until = ContinuousClock.now + .seconds(1)
        var result = waitpid(pid, &status, WNOHANG)
        while result == 0 && ContinuousClock.now < until {
            usleep(2000)
            result = waitpid(pid, &status, WNOHANG)
        }
        if result == 0 {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        reaped = true
        drainErrors()
        let lastWords = String(decoding: stderrHead, as: UTF8.self)
        let signalled = status & 0x7F != 0 && status & 0x7F != 0x7F
        let signal = status & 0x7F
        if signalled && signal == SIGXCPU { return .timeout(seconds: limits.seconds, wallClock: false) }
        // An allocation refused under RLIMIT_AS ends the worker through the runtime's or libc's
        // out-of-memory path, which says so on standard error.
        let memoryWords = [
            "failed to allocate", "Could not allocate memory", "Cannot allocate memory", "out of memory",
            "bad_alloc",
        ]
        if memoryWords.contains(where: { lastWords.localizedCaseInsensitiveContains($0) }) {
            return .tooMuchMemory(limit: limits.memory)
        }
        var how =
            signalled
            ? "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
            : "exited with status \((status >> 8) & 0xFF)"
        let lines = lastWords.split(whereSeparator: \.isNewline)
        let cause =
            lines.first { $0.contains("Fatal error") || $0.contains("Program crashed") }
            ?? lines.first { !$0.allSatisfy(\.isWhitespace) }
        if let cause { how += ", saying: " + String(cause.prefix(300)) }
        return .crashed(how: how)
    }

    private func drainErrors() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(errorsFromChild, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            if stderrHead.count < 8192 { stderrHead += chunk[0..<min(n, 8192 - stderrHead.count)] }
        }
    }
}
