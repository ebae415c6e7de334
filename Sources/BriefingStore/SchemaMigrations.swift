/// The versioned schema of `briefingd` in PostgreSQL. A migration is never edited once released:
/// changes come as a new version, applied in order under an advisory lock.
enum SchemaMigrations {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// Key of the advisory lock that serializes migrations across instances ("briefingd" in ASCII).
    static let lockKey: Int64 = 0x6272_6965_6669_6E67

    static let all: [Migration] = [
        Migration(
            version: 1, name: "snapshots, leases and shared poll state",
            statements: [
                """
                CREATE TABLE briefingd.snapshots (
                    id text PRIMARY KEY,
                    source text NOT NULL,
                    source_kind text NOT NULL,
                    url text,
                    title text,
                    date date,
                    ingested_at timestamptz NOT NULL,
                    path text NOT NULL,
                    instance text NOT NULL,
                    supersedes text,
                    document jsonb NOT NULL,
                    committed_at timestamptz NOT NULL DEFAULT clock_timestamp())
                """,
                "CREATE INDEX snapshots_ingested_at ON briefingd.snapshots (ingested_at)",
                "CREATE INDEX snapshots_date ON briefingd.snapshots (date)",
                "CREATE INDEX snapshots_source ON briefingd.snapshots (source, ingested_at)",
                "CREATE INDEX snapshots_url ON briefingd.snapshots (url) WHERE url IS NOT NULL",
                """
                CREATE TABLE briefingd.speakers (
                    snapshot_id text NOT NULL REFERENCES briefingd.snapshots (id) ON DELETE CASCADE,
                    speaker_id text NOT NULL,
                    role text NOT NULL,
                    label text,
                    outlet text,
                    organization text,
                    title text,
                    name text,
                    PRIMARY KEY (snapshot_id, speaker_id))
                """,
                "CREATE INDEX speakers_name ON briefingd.speakers (name) WHERE name IS NOT NULL",
                "CREATE INDEX speakers_organization ON briefingd.speakers (organization) WHERE organization IS NOT NULL",
                """
                CREATE TABLE briefingd.turns (
                    snapshot_id text NOT NULL REFERENCES briefingd.snapshots (id) ON DELETE CASCADE,
                    "index" integer NOT NULL,
                    kind text NOT NULL,
                    speaker_id text,
                    number integer,
                    text text NOT NULL,
                    PRIMARY KEY (snapshot_id, "index"))
                """,
                """
                CREATE TABLE briefingd.figures (
                    snapshot_id text NOT NULL REFERENCES briefingd.snapshots (id) ON DELETE CASCADE,
                    "index" integer NOT NULL,
                    turn integer,
                    value numeric,
                    unit text,
                    approx text,
                    subject text,
                    ratio_to numeric,
                    text text NOT NULL,
                    PRIMARY KEY (snapshot_id, "index"))
                """,
                "CREATE INDEX figures_unit_subject ON briefingd.figures (unit, subject)",
                "CREATE INDEX figures_subject ON briefingd.figures (subject) WHERE subject IS NOT NULL",
                """
                CREATE TABLE briefingd.changes (
                    snapshot_id text NOT NULL REFERENCES briefingd.snapshots (id) ON DELETE CASCADE,
                    "index" integer NOT NULL,
                    turn integer,
                    direction text NOT NULL,
                    basis text,
                    percent numeric,
                    amount numeric,
                    unit text,
                    figure integer,
                    text text NOT NULL,
                    PRIMARY KEY (snapshot_id, "index"))
                """,
                "CREATE INDEX changes_direction ON briefingd.changes (direction, basis, percent)",
                """
                CREATE TABLE briefingd.instances (
                    instance text PRIMARY KEY,
                    started_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE briefingd.leases (
                    source text PRIMARY KEY,
                    owner text,
                    expires_at timestamptz,
                    next_due timestamptz,
                    last_poll timestamptz)
                """,
                "CREATE INDEX leases_owner ON briefingd.leases (owner) WHERE owner IS NOT NULL",
                """
                CREATE TABLE briefingd.url_state (
                    url text PRIMARY KEY,
                    etag text,
                    last_modified text,
                    last_id text,
                    updated_at timestamptz NOT NULL DEFAULT now())
                """,
                """
                CREATE TABLE briefingd.seen_items (
                    source text NOT NULL,
                    url text NOT NULL,
                    seen_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (source, url))
                """,
            ])
    ]

    static var latest: Int { all.map(\.version).max() ?? 0 }
}
