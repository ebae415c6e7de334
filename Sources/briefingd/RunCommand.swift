import ArgumentParser
import BriefingIngest
import BriefingStore
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
        var shared: SharedStore?
        var leases: SourceLeases?
        if let settings = config.store {
            do {
                let store = try SharedStore.runBlocking { () async throws(StoreError) in
                    try await SharedStore.open(settings: settings, logger: logger)
                }
                shared = store
                leases = SourceLeases(store: store, logger: logger)
                logger.info(
                    "store_connected",
                    metadata: [
                        "url": "\(settings.displayURL)", "instance": "\(settings.instance)",
                        "lease": "\(settings.leaseMilliseconds) ms",
                    ])
            } catch {
                logger.critical("store_unusable", metadata: ["error": "\(error)"])
                FileHandle.standardError.write(Data("briefingd: \(error)\n".utf8))
                // A refused login is a config problem (78: systemd does not restart); a database
                // that is down may come back (69: systemd restarts the daemon later).
                throw ExitCode(error.isConfigProblem ? 78 : 69)
            }
        }
        let daemon = Daemon(
            config: config, configPath: options.path, logger: logger, logLevel: level,
            poller: CurlPoller(shared: shared, leases: leases), shared: shared, leases: leases)
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
