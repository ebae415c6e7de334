import ArgumentParser
import BriefingIngest
import BriefingPages
import Foundation

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the HTML page of each snapshot, or rebuild every page and index (--all).",
        discussion: """
            Each page is written beside its snapshot (<name>.html for <name>.json); when the snapshot
            is in a YYYY-MM-DD folder, that day's index.html and the index.html above it are rewritten
            too. --all rebuilds everything under snapshots.path of the config.
            """)

    @OptionGroup var options: ConfigOption

    @Flag(
        name: .long, help: "Rebuild every page, day digest and the index of the configured snapshot folder.")
    var all = false

    @Argument(help: "Snapshot files (.json).")
    var snapshots: [String] = []

    func validate() throws {
        if all == !snapshots.isEmpty {
            throw ValidationError("give either snapshot files or --all")
        }
    }

    func run() throws {
        let renderer = try PageRenderer()
        var failures: [(path: String, error: PageWriteError)] = []
        if all {
            let config: DaemonConfig
            do {
                config = try ConfigLoader.load(path: options.path)
            } catch {
                FileHandle.standardError.write(Data("briefingd: config \(options.path): \(error)\n".utf8))
                throw ExitCode(78)
            }
            let site = PageSite(root: config.snapshotsPath, renderer: renderer)
            let result = site.rebuildAll()
            failures = result.failures
            print(
                "rendered \(result.pages) pages and \(result.days) day digests under \(config.snapshotsPath)")
        } else {
            // Files are grouped by the snapshot folder they are in, so each folder's indexes are
            // rewritten once; a file outside the YYYY-MM-DD layout gets its page only.
            var bySite: [String: [String]] = [:]
            for path in snapshots {
                let url = URL(fileURLWithPath: path).standardizedFileURL
                let day = url.deletingLastPathComponent()
                if PageSite.isDay(day.lastPathComponent) {
                    bySite[day.deletingLastPathComponent().path, default: []].append(
                        day.lastPathComponent + "/" + url.lastPathComponent)
                } else {
                    do {
                        try PageSite(root: day.path, renderer: renderer).writePage(url.path)
                    } catch {
                        failures.append((path, error))
                    }
                }
            }
            for (root, relatives) in bySite.sorted(by: { $0.key < $1.key }) {
                failures += PageSite(root: root, renderer: renderer).update(relatives)
            }
            print("rendered \(snapshots.count - failures.count) of \(snapshots.count) snapshots")
        }
        for failure in failures {
            FileHandle.standardError.write(Data("briefingd: \(failure.error)\n".utf8))
        }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}
