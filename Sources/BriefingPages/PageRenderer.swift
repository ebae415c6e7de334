import Mustache

/// Renders snapshot pages, day digests and the index of days from the Mustache templates in
/// `Templates/` (compiled into the binary). Pure: documents in, HTML text out.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let css: String

    /// A template that does not parse, named with the parser's complaint.
    public struct TemplateError: Error, CustomStringConvertible {
        public var template: String
        public var reason: String
        public var description: String {
            "page template \(template).mustache does not parse: \(reason); fix Sources/BriefingPages/Templates/\(template).mustache and rebuild"
        }
    }

    public init() throws(TemplateError) {
        let sources: [(String, [UInt8])] = [
            ("page", PackageResources.page_mustache),
            ("turn", PackageResources.turn_mustache),
            ("marked", PackageResources.marked_mustache),
            ("mark-text", PackageResources.mark_text_mustache),
            ("mark-figure-open", PackageResources.mark_figure_open_mustache),
            ("mark-figure-close", PackageResources.mark_figure_close_mustache),
            ("mark-period-open", PackageResources.mark_period_open_mustache),
            ("mark-period-close", PackageResources.mark_period_close_mustache),
            ("mark-named-open", PackageResources.mark_named_open_mustache),
            ("mark-named-close", PackageResources.mark_named_close_mustache),
            ("mark-marker-open", PackageResources.mark_marker_open_mustache),
            ("mark-marker-close", PackageResources.mark_marker_close_mustache),
            ("mark-bar", PackageResources.mark_bar_mustache),
            ("bar", PackageResources.bar_mustache),
            ("day", PackageResources.day_mustache),
            ("days", PackageResources.days_mustache),
        ]
        var library = MustacheLibrary()
        for (name, bytes) in sources {
            do {
                try library.register(String(decoding: bytes, as: UTF8.self), named: name)
            } catch {
                throw TemplateError(template: name, reason: "\(error)")
            }
        }
        self.library = library
        css = String(decoding: PackageResources.style_css, as: UTF8.self)
    }

    /// The page of one snapshot; `jsonName` is the snapshot's file name, linked from the page.
    public func page(_ snapshot: PageSnapshot, jsonName: String) -> String {
        render(PageModel(snapshot, jsonName: jsonName, css: css), "page")
    }

    /// A day's digest: `entries` in the order given.
    public func day(_ day: String, entries: [DigestEntry]) -> String {
        let lang =
            entries.contains { $0.lang == ScriptVariant.simplified.rawValue } || entries.isEmpty
            ? ScriptVariant.simplified.rawValue : ScriptVariant.traditional.rawValue
        return render(
            DayModel(lang: lang, css: css, day: day, count: String(entries.count), entries: entries), "day")
    }

    /// The index of days: `days` as (day, number of snapshots), newest first.
    public func days(_ days: [(day: String, count: Int)]) -> String {
        let rows = days.map {
            DaysModel.Day(day: $0.day, href: "\($0.day)/index.html", count: String($0.count))
        }
        let total = days.reduce(0) { $0 + $1.count }
        return render(
            DaysModel(
                lang: ScriptVariant.simplified.rawValue, css: css, days: rows, hasDays: !rows.isEmpty,
                total: String(total)), "days")
    }

    private func render(_ model: Any, _ template: String) -> String {
        // Every template is registered in init, so a missing one is a programming error.
        guard let html = library.render(model, withTemplate: template) else {
            preconditionFailure("page template \(template) is not registered")
        }
        return html
    }
}
