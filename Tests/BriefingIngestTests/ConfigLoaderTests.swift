import BriefingCore
import Foundation
import Testing

@testable import BriefingIngest

@Suite struct ConfigLoaderTests {
    let minimal = """
        inbox: {path: var/inbox, archive: var/archive, failed: var/failed}
        snapshots: {path: var/snapshots}
        state: {path: var/state}

        """

    @Test func shippedConfigIsValidAndRelativeToTheWorkingDirectory() throws {
        let text = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Config/briefingd.yaml"), encoding: .utf8)
        let config = try ConfigLoader.parse(text, workingDirectory: "/srv/b")
        #expect(config.inbox.path == "/srv/b/var/inbox")
        #expect(config.inbox.archive == "/srv/b/var/archive")
        #expect(config.inbox.failed == "/srv/b/var/failed")
        #expect(config.snapshotsPath == "/srv/b/var/snapshots")
        #expect(config.statePath == "/srv/b/var/state")
        #expect(config.sources.isEmpty)
        #expect(config.logLevel == "info")
    }

    @Test func pagesAreOnUnlessTurnedOff() throws {
        #expect(try ConfigLoader.parse(minimal, workingDirectory: "/srv").pagesEnabled)
        let off = try ConfigLoader.parse(minimal + "pages: {enabled: false}\n", workingDirectory: "/srv")
        #expect(!off.pagesEnabled)
        #expect(throws: ConfigError(key: "pages.enabled", "'maybe' must be true or false")) {
            try ConfigLoader.parse(minimal + "pages: {enabled: maybe}\n", workingDirectory: "/srv")
        }
        #expect(
            throws: ConfigError(
                key: "pages.theme", "unknown key; check its spelling against Config/briefingd.yaml")
        ) {
            try ConfigLoader.parse(minimal + "pages: {theme: dark}\n", workingDirectory: "/srv")
        }
    }

    @Test func durations() {
        #expect(ConfigDuration(parsing: "500ms")?.milliseconds == 500)
        #expect(ConfigDuration(parsing: "10s")?.milliseconds == 10_000)
        #expect(ConfigDuration(parsing: "5m")?.milliseconds == 300_000)
        #expect(ConfigDuration(parsing: "2h")?.milliseconds == 7_200_000)
        #expect(ConfigDuration(parsing: "1d")?.milliseconds == 86_400_000)
        for bad in ["", "10", "s", "-5s", "1.5s", "5 m", "10sec"] {
            #expect(ConfigDuration(parsing: bad) == nil, "\(bad)")
        }
        #expect(ConfigDuration(milliseconds: 1_800_000).description == "30m")
        #expect(ConfigDuration(milliseconds: 1500).description == "1500ms")
    }

    @Test func sourcesAreChecked() throws {
        let good = try ConfigLoader.parse(
            minimal + """
                sources:
                  - name: mfa-cn
                    url: https://example.org/list.html
                    kind: index
                    links: '/t\\d+\\.html$'
                    cron: "*/15 8-18 * * 1-5"
                    headers: {Accept-Language: zh-CN}
                  - name: feed
                    url: http://example.org/rss.xml
                    kind: feed
                    every: 30m
                """, workingDirectory: "/")
        #expect(good.sources.count == 2)
        #expect(good.sources[0].kind == .index)
        #expect(good.sources[0].headers == ["Accept-Language": "zh-CN"])
        #expect(good.sources[1].every?.milliseconds == 1_800_000)

        let bad: [(String, String)] = [
            ("- {name: A, url: 'https://e.org', every: 1m}", "sources[0].name"),
            ("- {name: a, url: 'ftp://e.org', every: 1m}", "sources[0].url"),
            ("- {name: a, url: 'https://e.org'}", "sources[0]"),
            ("- {name: a, url: 'https://e.org', every: 1m, cron: '* * * * *'}", "sources[0]"),
            (
                "- {name: a, url: 'https://e.org', every: 1m}\n  - {name: a, url: 'https://f.org', every: 1m}",
                "sources[1].name"
            ),
            ("- {name: a, url: 'https://e.org', cron: '61 * * * *'}", "sources[0].cron"),
            ("- {name: a, url: 'https://e.org', every: 1m, kind: index}", "sources[0].links"),
            ("- {name: a, url: 'https://e.org', every: 1m, colour: red}", "sources[0].colour"),
            ("- {name: inbox, url: 'https://e.org', every: 1m}", "sources[0].name"),
        ]
        for (yaml, key) in bad {
            #expect(throws: ConfigError.self) {
                try ConfigLoader.parse(minimal + "sources:\n  " + yaml, workingDirectory: "/")
            }
            do {
                _ = try ConfigLoader.parse(minimal + "sources:\n  " + yaml, workingDirectory: "/")
            } catch {
                #expect(error.key == key, "\(yaml): \(error)")
            }
        }
    }

    @Test func textLimitReachesThePipelineOptions() throws {
        let defaults = try ConfigLoader.parse(minimal, workingDirectory: "/")
        #expect(defaults.pipelineOptions.maxTextCharacters == 5_000_000)
        let set = try ConfigLoader.parse(minimal + "input: {max_text_chars: 1000}\n", workingDirectory: "/")
        #expect(set.maxTextCharacters == 1000)
        #expect(set.pipelineOptions == PipelineOptions(maxTextCharacters: 1000))
    }

    @Test func pdfPageLimitReachesThePipelineOptions() throws {
        let defaults = try ConfigLoader.parse(minimal, workingDirectory: "/")
        #expect(defaults.pipelineOptions.pdf.maxPages == 500)
        let set = try ConfigLoader.parse(minimal + "input: {max_pdf_pages: 20}\n", workingDirectory: "/")
        #expect(set.maxPDFPages == 20)
        #expect(set.pipelineOptions == PipelineOptions(pdf: PDFLimits(maxPages: 20)))
        #expect(throws: ConfigError.self) {
            try ConfigLoader.parse(minimal + "input: {max_pdf_pages: 0}\n", workingDirectory: "/")
        }
    }

    @Test func unknownAndMissingKeysAreNamed() {
        let cases: [(String, String)] = [
            (minimal + "metrics: {listen: 'nowhere'}\n", "metrics.listen"),
            (minimal + "extra: 1\n", "extra"),
            (minimal + "input: {max_replacement_ratio: 2}\n", "input.max_replacement_ratio"),
            (minimal + "input: {max_text_chars: 0}\n", "input.max_text_chars"),
            ("snapshots: {path: s}\nstate: {path: t}\n", "inbox"),
            ("- just a list\n", ""),
        ]
        for (yaml, key) in cases {
            do {
                _ = try ConfigLoader.parse(yaml, workingDirectory: "/")
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.key == key, "\(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }
}

@Suite struct CronScheduleTests {
    let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    func date(_ s: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: s)!
    }

    @Test func nextFiringTimes() throws {
        let every15 = try #require(CronSchedule("*/15 * * * *"))
        #expect(
            every15.next(after: date("2026-11-29T08:07:30Z"), calendar: utc) == date("2026-11-29T08:15:00Z"))
        #expect(
            every15.next(after: date("2026-11-29T08:15:00Z"), calendar: utc) == date("2026-11-29T08:30:00Z"))

        let weekdayMornings = try #require(CronSchedule("30 9 * * 1-5"))
        // 2026-11-28 is a Saturday: next is Monday 30 Nov 09:30.
        #expect(
            weekdayMornings.next(after: date("2026-11-28T10:00:00Z"), calendar: utc)
                == date("2026-11-30T09:30:00Z"))

        let leap = try #require(CronSchedule("0 0 29 2 *"))
        #expect(leap.next(after: date("2026-03-01T00:00:00Z"), calendar: utc) == date("2028-02-29T00:00:00Z"))

        let sunday = try #require(CronSchedule("0 12 * * 7"))
        #expect(
            sunday.next(after: date("2026-11-29T13:00:00Z"), calendar: utc) == date("2026-12-06T12:00:00Z"))
    }

    @Test func invalidExpressions() {
        for bad in [
            "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *",
            "a * * * *", "5-1 * * * *",
        ] {
            #expect(CronSchedule(bad) == nil, "\(bad)")
        }
    }
}
