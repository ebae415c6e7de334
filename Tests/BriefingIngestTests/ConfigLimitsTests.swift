import Foundation
import Testing

@testable import BriefingIngest

/// Numbers that overflow and lengths of time outside a sane range are refused with the key named;
/// no config file, however odd, crashes the loader.
@Suite struct ConfigLimitsTests {
    static let minimal = """
        inbox: {path: /x/inbox, archive: /x/archive, failed: /x/failed}
        snapshots: {path: /x/snapshots}
        state: {path: /x/state}

        """

    static func refusal(_ yaml: String) -> ConfigError? {
        do {
            _ = try ConfigLoader.parse(minimal + yaml, workingDirectory: "/x")
            return nil
        } catch {
            return error
        }
    }

    @Test func overflowingNumbersAreRefusedNamingTheKey() {
        #expect(ConfigDuration(parsing: "99999999999999999d") == nil)
        #expect(ConfigDuration(parsing: "9223372036854775807ms")?.milliseconds == .max)
        #expect(ConfigDuration(parsing: "9223372036854775808ms") == nil)
        let cases = [
            ("inbox: {path: a, archive: b, failed: c, rescan: 99999999999999999d}", "inbox.rescan"),
            (
                "inbox: {path: a, archive: b, failed: c, max_bytes: 99999999999999999999999}",
                "inbox.max_bytes"
            ),
            ("http: {total_timeout: 106751991167301d}", "http.total_timeout"),
            ("http: {retries: 18446744073709551616}", "http.retries"),
            ("sources: [{name: a, url: 'https://e.org/', every: 99999999999999999h}]", "sources[0].every"),
        ]
        for (yaml, key) in cases {
            let text = yaml.hasPrefix("inbox") ? yaml + "\nsnapshots: {path: s}\nstate: {path: t}\n" : yaml
            let error = yaml.hasPrefix("inbox") ? Self.parseWhole(text) : Self.refusal(text)
            #expect(error?.key == key, "\(yaml): \(String(describing: error))")
        }
    }

    @Test func durationsOutsideTheirRangeAreRefusedWithTheRange() {
        let rescan = Self.parseWhole(
            "inbox: {path: a, archive: b, failed: c, rescan: 0ms}\nsnapshots: {path: s}\nstate: {path: t}\n")
        #expect(rescan?.key == "inbox.rescan")
        #expect(rescan?.message.contains("from 1s to 1d") == true, "\(String(describing: rescan))")
        let total = Self.refusal("http: {total_timeout: 0ms}")
        #expect(total?.key == "http.total_timeout")
        #expect(total?.message.contains("out of range") == true, "\(String(describing: total))")
        #expect(Self.refusal("http: {connect_timeout: 1ms}")?.key == "http.connect_timeout")
        #expect(Self.refusal("http: {per_host_concurrency: 100000}")?.key == "http.per_host_concurrency")
        #expect(
            Self.refusal("sources: [{name: a, url: 'https://e.org/', every: 500ms}]")?.key
                == "sources[0].every")
        // The edges of each range are accepted.
        #expect(Self.refusal("http: {total_timeout: 1s, connect_timeout: 100ms, retry_base: 10ms}") == nil)
        #expect(Self.refusal("sources: [{name: a, url: 'https://e.org/', every: 30d}]") == nil)
    }

    static func parseWhole(_ yaml: String) -> ConfigError? {
        do {
            _ = try ConfigLoader.parse(yaml, workingDirectory: "/x")
            return nil
        } catch {
            return error
        }
    }

    /// Random documents built from every key with random values (numbers of every size, signs,
    /// units, strings, lists, maps, nulls): the loader accepts or refuses, and never traps.
    @Test func randomConfigsAreAcceptedOrRefusedNeverACrash() {
        var random = SeededRandom(seed: 0x5eed)
        var accepted = 0
        var refused = 0
        for _ in 0..<3_000 {
            let yaml = ConfigFuzz.document(using: &random)
            do {
                _ = try ConfigLoader.parse(yaml, workingDirectory: "/x")
                accepted += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        // Both paths are exercised, or the generator says nothing.
        #expect(accepted > 50 && refused > 50, "accepted \(accepted), refused \(refused)")
    }
}

/// Random config documents over every key the loader knows.
enum ConfigFuzz {
    static let inboxKeys = ["path", "archive", "failed", "settle", "rescan", "max_bytes"]
    static let httpKeys = [
        "connect_timeout", "total_timeout", "low_speed_bytes", "low_speed_time", "max_redirects", "max_bytes",
        "retries", "retry_base", "per_host_concurrency",
    ]
    static let sourceKeys = [
        "name", "url", "kind", "every", "cron", "links", "jitter", "headers", "headers_from_file", "ca_file",
        "proxy",
    ]

    static func value<R: RandomNumberGenerator>(for key: String, using random: inout R) -> String {
        let numbers = [
            "0", "1", "-1", "2", "32", "1000", "65535", "4294967296", "9223372036854775807",
            "9223372036854775808", "99999999999999999999999", "1e309", "nan", "0.5", "-0.0", "0x10",
        ]
        let units = ["ms", "s", "m", "h", "d", "", "sec", " s"]
        switch Int.random(in: 0..<10, using: &random) {
        case 0...3:
            // A plausible value for the key's kind, sometimes at or past its limits.
            if ["path", "archive", "failed", "headers_from_file", "ca_file"].contains(key) {
                return ["/x/a", "rel/b", "''", "/", "\"\\u0000\""].randomElement(using: &random)!
            }
            if key == "url" {
                return ["https://e.org/", "http://127.0.0.1:1/", "ftp://e.org", "''"].randomElement(
                    using: &random)!
            }
            if key == "name" { return ["a", "b-1", "inbox", "A", "''"].randomElement(using: &random)! }
            if key == "kind" { return ["page", "feed", "index", "pdf"].randomElement(using: &random)! }
            if key == "cron" {
                return ["'*/5 * * * *'", "'61 * * * *'", "'* * *'"].randomElement(using: &random)!
            }
            if key == "links" { return ["'/t\\d+'", "'('", "'.'"].randomElement(using: &random)! }
            if key == "headers" {
                return ["{X-A: b}", "{}", "[1]", "{a: {b: c}}"].randomElement(using: &random)!
            }
            return numbers.randomElement(using: &random)! + units.randomElement(using: &random)!
        case 4...6: return numbers.randomElement(using: &random)!
        case 7:
            return ["~", "[]", "{}", "[1, 2]", "{a: 1}", "true", "''", "'é'"].randomElement(using: &random)!
        default:
            return "\(Int64.random(in: .min ... .max, using: &random))" + units.randomElement(using: &random)!
        }
    }

    static func mapping<R: RandomNumberGenerator>(_ keys: [String], using random: inout R) -> String {
        var parts: [String] = []
        for key in keys where Int.random(in: 0..<4, using: &random) > 0 {
            parts.append("\(key): \(value(for: key, using: &random))")
        }
        if Int.random(in: 0..<20, using: &random) == 0 { parts.append("bogus: 1") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    static func document<R: RandomNumberGenerator>(using random: inout R) -> String {
        // Mostly well-formed around the required keys, so that the values themselves are reached.
        var inbox = "{path: /x/in, archive: /x/ar, failed: /x/fa"
        for key in inboxKeys.dropFirst(3) where Bool.random(using: &random) {
            inbox += ", \(key): \(value(for: key, using: &random))"
        }
        inbox += "}"
        var lines = ["inbox: \(inbox)", "snapshots: {path: /x/s}", "state: {path: /x/t}"]
        if Bool.random(using: &random) { lines.append("http: " + mapping(httpKeys, using: &random)) }
        if Bool.random(using: &random) {
            let count = Int.random(in: 0...3, using: &random)
            let sources = (0..<count).map { _ in mapping(sourceKeys, using: &random) }
            lines.append("sources: [" + sources.joined(separator: ", ") + "]")
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            lines.append("input: {max_replacement_ratio: \(value(for: "ratio", using: &random))}")
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            lines.append("log: {level: \(["info", "debug", "loud", "1"].randomElement(using: &random)!)}")
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            lines.append(
                "metrics: {listen: '\(["127.0.0.1:9464", ":1", "x:99999", "h:0"].randomElement(using: &random)!)'}"
            )
        }
        if Int.random(in: 0..<10, using: &random) == 0 {
            // Raw noise: broken YAML is refused as such.
            let noise = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                Character(UnicodeScalar(UInt8.random(in: 0x20...0x7e, using: &random)))
            }
            lines.insert(String(noise), at: Int.random(in: 0...lines.count, using: &random))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A small deterministic generator (SplitMix64), so that a failing document can be found again.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
