import ArgumentParser
import BriefingIngest
import Foundation
import Logging

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon in the foreground (SIGTERM/SIGINT stop it, SIGHUP reloads the config).")

    @OptionGroup var options: ConfigOption

    func run() throws {
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
        do {
            let code = try daemon.run()
            if code != 0 { throw ExitCode(code) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("fatal", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}
