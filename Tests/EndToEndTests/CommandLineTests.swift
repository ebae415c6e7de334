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
}
