"""Cuts the power at many moments of a recorded run and checks each image of the database.

Reads the log that shim.c wrote (and the `A key` lines the workload appended as each write was
acknowledged). For a cut at position k of the log, a file holds for certain every write logged before
the start (B) of its last sync that returned (E) before k; writes after that may or may not have
reached the disk. For each cut, three images are built and opened with SQLite:
  - durable: only the writes a completed sync covers (the worst case);
  - all: every write logged before k (no page lost: what a kill -9 leaves);
  - torn: the durable writes and a random half of the others.
Each must pass `PRAGMA integrity_check`, and hold every event whose creation was acknowledged before k.

  replay.py LOG DBNAME [--early-ack]

--early-ack checks the checker: it moves each acknowledgement to just before the sync that made its
write durable (as a server acknowledging before the sync would), and must then find a lost write.
"""
import os
import random
import shutil
import sqlite3
import sys
import tempfile


def parse(path):
    events = []
    with open(path, "rb") as f:
        for raw in f:
            parts = raw.decode().split()
            if not parts:
                continue
            events.append((parts[0], parts[1:]))
    return events


def early(events):
    """Each `A` line moved to just before the latest sync start (B) before it: as if the server had
    acknowledged the write before the sync that made it durable."""
    result, pending, last_b = [], {}, None
    for e in events:
        if e[0] == "A" and last_b is not None:
            pending.setdefault(last_b, []).append(e)
            continue
        if e[0] == "B":
            last_b = len(result)
        result.append(e)
    final = []
    for i, e in enumerate(result):
        final.extend(pending.get(i, []))
        final.append(e)
    return final


def main():
    log, dbname = sys.argv[1], sys.argv[2]
    events = parse(log)
    if "--early-ack" in sys.argv:
        events = early(events)
    with open(log + ".data", "rb") as f:
        data = f.read()
    # The tracked files: id -> file name, and path -> id (an unlink names its path).
    ids = {args[1]: int(args[0]) for kind, args in events if kind == "F"}
    names = {fid: os.path.basename(path) for path, fid in ids.items()}

    def apply(image, op):
        kind, args = op
        if kind == "W":
            off, n, at = int(args[1]), int(args[2]), int(args[3])
            if len(image) < off:
                image.extend(b"\0" * (off - len(image)))
            image[off:off + n] = data[at:at + n]
        elif kind == "T":
            del image[int(args[1]):]
        elif kind == "U":
            image.clear()
            return False  # gone
        return True

    # Per file: its write/truncate/unlink ops as (log position, op), and the durable cut after each sync.
    ops = {}
    sync_starts = {}
    durable_cut = []  # (position of E, file id, position of its B)
    for pos, (kind, args) in enumerate(events):
        if kind in ("W", "T"):
            ops.setdefault(int(args[0]), []).append((pos, (kind, args)))
        elif kind == "U" and args[0] in ids:
            ops.setdefault(ids[args[0]], []).append((pos, (kind, args)))
        elif kind == "B":
            sync_starts[(args[0], args[1])] = pos
        elif kind == "E":
            begin = sync_starts.pop((args[0], args[1]), None)
            if begin is not None:
                durable_cut.append((pos, int(args[0]), begin))

    acks = [(pos, args[0]) for pos, (kind, args) in enumerate(events) if kind == "A"]
    if len(acks) < 50:
        print("FAIL: only %d acknowledged writes were recorded" % len(acks))
        sys.exit(1)
    syncs = len(durable_cut)
    # The cuts: just before and just after every acknowledgement and every completed sync, sampled.
    rng = random.Random(7)
    candidates = sorted({p for p, _ in acks} | {p + 1 for p, _ in acks} | {p for p, _, _ in durable_cut}
                        | {p + 1 for p, _, _ in durable_cut} | {len(events)})
    cuts = sorted(rng.sample(candidates, min(400, len(candidates))) + [len(events)])

    work = tempfile.mkdtemp(prefix="csms-powerloss-")
    lost = 0
    checked = 0
    for cut in cuts:
        # The durable point of each file at this cut: the latest B among its syncs that returned before it.
        covered = {}
        for end, fid, begin in durable_cut:
            if end < cut:
                covered[fid] = max(covered.get(fid, -1), begin)
        acked = {key for pos, key in acks if pos < cut}
        for variant in ("durable", "all", "torn"):
            image_dir = os.path.join(work, "%d-%s" % (cut, variant))
            os.makedirs(image_dir)
            for fid, file_ops in ops.items():
                image, exists = bytearray(), False
                for pos, op in file_ops:
                    if pos >= cut:
                        break
                    # Directory operations are taken as done when they return; data as the syncs say.
                    sure = op[0] == "U" or pos < covered.get(fid, -1)
                    if sure or variant == "all" or (variant == "torn" and rng.random() < 0.5):
                        exists = apply(image, op)
                if exists:
                    with open(os.path.join(image_dir, names[fid]), "wb") as f:
                        f.write(image)
            db = os.path.join(image_dir, dbname)
            if not os.path.exists(db) or os.path.getsize(db) == 0:
                if acked:
                    print("FAIL: cut %d (%s): no database, %d writes acknowledged" % (cut, variant, len(acked)))
                    lost += 1
                shutil.rmtree(image_dir)
                continue
            try:
                conn = sqlite3.connect(db)
                integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
                present = {row[0] for row in conn.execute("SELECT name FROM events")}
                conn.close()
            except sqlite3.DatabaseError as e:
                integrity, present = str(e), set()
            missing = acked - present
            if not acked and integrity.startswith("no such table"):
                integrity = "ok"  # cut before the schema was made: nothing was acknowledged yet
            if integrity != "ok" or missing:
                lost += 1
                if lost <= 5 or os.environ.get("REPLAY_VERBOSE"):
                    print("FAIL: cut %d of %d (%s): integrity %r, %d of %d acknowledged writes missing (%s)"
                          % (cut, len(events), variant, integrity, len(missing), len(acked),
                             ", ".join(sorted(missing)[:3])))
            checked += 1
            shutil.rmtree(image_dir)
    shutil.rmtree(work)
    print("%d images at %d cuts of %d log entries (%d syncs, %d acknowledged writes): %d broken"
          % (checked, len(cuts), len(events), syncs, len(acks), lost))
    sys.exit(1 if lost else 0)


main()
