#!/usr/bin/env python3
"""Follows the snapshots a briefingd fleet publishes: LISTEN briefing_snapshot, one line per new row.

    PGPASSWORD=... python3 scripts/listen_snapshots.py postgresql://reader@db.internal/briefings [COUNT]

Stops after COUNT notifications when given (used by the tests), else runs until interrupted.
"""
import sys

import psycopg

url = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
with psycopg.connect(url, autocommit=True) as listener, psycopg.connect(url, autocommit=True) as reader:
    listener.execute("LISTEN briefing_snapshot")
    print("listening", flush=True)
    for seen, note in enumerate(listener.notifies(), start=1):
        title, date, source, changes = reader.execute(
            "SELECT title, date, source, (SELECT count(*) FROM briefingd.changes c WHERE c.snapshot_id = s.id)"
            " FROM briefingd.snapshots s WHERE id = %s",
            (note.payload,),
        ).fetchone()
        print(f"{note.payload[:12]} {source} {date or '-'} {title} ({changes} changes)", flush=True)
        if limit and seen >= limit:
            break
