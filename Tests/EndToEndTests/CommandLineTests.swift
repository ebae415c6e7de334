import Foundation
import TestSupport
import Testing

@Suite struct CommandLineTests {
    @Test func checkConfigPrintsEffectiveSettings() throws {
        let result = try runBriefingd(
            [
                "check-config", "--config",
                Paths.repository.appendingPathComponent("Config/briefingd.yaml").path,
            ],
            currentDirectory: "/tmp")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("path: /tmp/var/inbox"))
        #expect(result.stdout.contains("settle: 20ms"))
        #expect(result.stdout.contains("level: info"))
    }

    @Test func checkConfigNamesTheBadKey() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cases: [(String, String)] = [
            (
                "inbox: {path: a, archive: b, failed: c, colour: red}\nsnapshots: {path: s}\nstate: {path: t}\n",
                "inbox.colour"
            ),
            (
                "inbox: {path: a, archive: b, failed: c}\nsnapshots: {path: s}\nstate: {path: t}\nlog: {level: loud}\n",
                "log.level"
            ),
            ("inbox: {path: a, archive: b}\nsnapshots: {path: s}\nstate: {path: t}\n", "inbox.failed"),
            (
                "inbox: {path: a, archive: b, failed: c}\nsnapshots: {path: s}\nstate: {path: t}\n"
                    + "sources: [{name: x, url: 'https://e.org/', every: soon}]\n", "sources[0].every"
            ),
        ]
        for (yaml, key) in cases {
            let path = dir.file("bad.yaml")
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runBriefingd(["check-config", "--config", path])
            #expect(result.status != 0)
            #expect(result.stderr.contains(key), "expected \(key) in: \(result.stderr)")
        }
    }

    @Test func configDefaultsToTheEnvironmentVariable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("env.yaml")
        try
            "inbox: {path: /x/in, archive: /x/ar, failed: /x/fa}\nsnapshots: {path: /x/s}\nstate: {path: /x/t}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        setenv("BRIEFINGD_CONFIG", path, 1)
        defer { unsetenv("BRIEFINGD_CONFIG") }
        let result = try runBriefingd(["check-config"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("path: /x/in"))
    }

    @Test func extractReadsStandardInputAndRefusesBadInputInOneLine() throws {
        let good = try runBriefingd(["extract", "--pretty", "-"], stdin: try Paths.fixtureBytes())
        #expect(good.status == 0)
        #expect(good.stdout.contains("\n  \"briefing\""))

        let bad = try runBriefingd(["extract", "-"], stdin: [])
        #expect(bad.status != 0)
        #expect(bad.stdout.isEmpty)
        let lines = bad.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(bad.stderr.contains("empty"))
    }

    @Test func versionAndHelp() throws {
        let version = try runBriefingd(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.split(separator: ".").count == 3)
        let help = try runBriefingd(["--help"])
        for command in ["run", "extract", "check-config", "status"] { #expect(help.stdout.contains(command)) }
    }

    /// An inbox path that is a regular file: `check-config` and `run` both exit 78 (EX_CONFIG, which
    /// systemd does not restart in a loop) and name `inbox.path`.
    @Test func anInboxThatIsARegularFileIsAConfigError() throws {
        let daemon = try DaemonProcess()
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: daemon.inbox))
        let check = try runBriefingd(["check-config", "--config", daemon.configPath])
        #expect(check.status == 78, "\(check.stderr)")
        #expect(check.stderr.contains("inbox.path"), "\(check.stderr)")
        let run = try runBriefingd(["run", "--config", daemon.configPath])
        #expect(run.status == 78, "\(run.stderr)")
        #expect(run.stderr.contains("inbox.path"), "\(run.stderr)")
    }

    /// Hostile values for every key, through the real binary: exit 0 or 78, never a signal.
    @Test func hostileValuesForEveryKeyExitCleanly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let keys: [(section: String, key: String)] = [
            ("inbox", "settle"), ("inbox", "rescan"), ("inbox", "max_bytes"), ("http", "connect_timeout"),
            ("http", "total_timeout"), ("http", "low_speed_bytes"), ("http", "low_speed_time"),
            ("http", "max_redirects"), ("http", "max_bytes"), ("http", "retries"), ("http", "retry_base"),
            ("http", "per_host_concurrency"), ("source", "every"), ("source", "jitter"),
            ("input", "max_replacement_ratio"), ("input", "max_text_chars"), ("metrics", "listen"),
        ]
        let values = ["99999999999999999d", "-1", "0ms", "1e309", "9223372036854775808", "[1]", "~"]
        var statuses: [Int32: Int] = [:]
        for (section, key) in keys {
            for value in values {
                var inbox = "{path: \(dir.file("in")), archive: \(dir.file("ar")), failed: \(dir.file("fa"))"
                var extra = ""
                switch section {
                case "inbox": inbox += ", \(key): \(value)"
                case "source":
                    extra =
                        "sources: [{name: a, url: 'https://e.org/', \(key == "every" ? "" : "every: 1m, ")\(key): \(value)}]\n"
                default: extra = "\(section): {\(key): \(value)}\n"
                }
                let yaml =
                    "inbox: \(inbox)}\nsnapshots: {path: \(dir.file("s"))}\nstate: {path: \(dir.file("t"))}\n"
                    + extra
                let path = dir.file("hostile.yaml")
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                let result = try runBriefingd(["check-config", "--config", path])
                statuses[result.status, default: 0] += 1
                #expect(
                    result.status == 0 || result.status == 78,
                    "\(key): \(value) -> \(result.status) \(result.stderr)")
            }
        }
        #expect(statuses[78, default: 0] > 0)
    }
}
