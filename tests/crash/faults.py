"""I/O faults injected through the encrypting VFS and the vault (issue 9,
part 2).

faults.py [POINTS [OPS]]: for each operation (a list import, adding a
person, an evidence intake, editing a record, a link run), counts its
database and vault reads and writes (TERGEU_TEST_FAULT=count), then for
each fault kind (enospc, ewrite, short, eio, and enospc+ for a disk that
stays full, in the database; vault-enospc, vault-short, vault-sync,
vault-eio in the vault) injects the fault at up to POINTS read or write
numbers spread over the operation (every one when it has fewer).  Each
point runs on a fresh copy of the same database and checks:
  - the command exits 5 with a message naming the database, vault or I/O
    error (or exits 0 if SQLite absorbed the fault, e.g. at the checkpoint
    on close); no crash, no sanitizer report;
  - with the fault off: ledger verify --full (SQLite's integrity_check)
    and evidence verify --all pass, no file is left in the vault that no
    evidence names, and the operation's data is either all there (always
    when it exited 0) or not at all;
  - the operation then runs again cleanly;
  - the canary is in no database or vault file.
Then each read of the read-only commands (READ_OPS) fails once, whatever
POINTS says (they are few and quick): each
gives exactly its output without the fault or exits 5, and what an
export or a report writes is whole or absent.  OPS, a regular expression, picks operations by
name.
Exits 1 on any failure.  Environment: TERGEU.
"""
import difflib
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crashlib import CheckFailed, Store, write_canary_list  # noqa: E402

CANARY = "Zqxfaultcanary%d" % os.getpid()
KINDS = ("enospc", "ewrite", "short", "eio", "enospc+")
# The vault's own file I/O (lib/vault/fault.c): a full disk, a torn write,
# a failed fsync, a failed read.
VAULT_KINDS = ("vault-enospc", "vault-short", "vault-sync", "vault-eio")
ERROR_RE = re.compile(r"database|disk|input/output|I/O|vault|space left", re.I)


def fault_counts(err):
    """The reads and writes a 'count' run made, by fault kind."""
    m = re.search(r"count: (\d+) writes, (\d+) reads", err)
    v = re.search(r"vault: (\d+) writes, (\d+) syncs, (\d+) reads", err)
    if not m:
        raise CheckFailed("no fault counts: %s" % err)
    w, r = int(m.group(1)), int(m.group(2))
    # A command that never opens a vault file prints no vault line.
    vw, vs, vr = (int(v.group(1)), int(v.group(2)), int(v.group(3))) if v else (0, 0, 0)
    return {"enospc": w, "ewrite": w, "short": w, "eio": r, "enospc+": w,
            "vault-enospc": vw, "vault-short": vw, "vault-sync": vs, "vault-eio": vr}


def points(total, limit):
    """Up to limit fault numbers in 1..total: all of the first few, then
    spread evenly, always with the last."""
    if total <= limit:
        return list(range(1, total + 1))
    head = list(range(1, limit // 3 + 1))
    rest = limit - len(head)
    step = (total - len(head)) / rest
    return sorted(set(head + [min(total, len(head) + 1 + round(k * step)) for k in range(rest)]
                      + [total]))


class Op:
    """An operation on a prepared database: args to run, and how to tell
    'done' from 'not done' in the summary."""

    def __init__(self, name, args, measure, full):
        self.name, self.args, self.measure, self.full = name, args, measure, full


def prepare(tmp):
    """The base database every fault point starts from, and the operations."""
    base = Store(tmp, "base")
    base.init()
    lists = os.path.join(tmp, "lists")
    base.tg("generate", "--out", lists, "--size", "3000", "--seed", "11")
    base.tg("import", os.path.join(lists, "list-government.csv"), "--list", "government",
            "--map", os.path.join(lists, "map-government.json"), "--lang", "ru")
    victims = os.path.join(tmp, "victims.csv")
    rows = write_canary_list(os.path.join(lists, "list-ngo-a.csv"), victims, "family", CANARY,
                             every=100)
    src = base.tg("add", "source", "--type", "photo_video", "--title", "Video")[1].strip()
    person = base.tg("add", "person", "--name", "Ерлан Сәрсенбаев")[1].strip()
    ev = os.path.join(tmp, "photo.jpg")
    with open(ev, "wb") as f:  # three of the vault's 1 MiB chunks
        f.write(b"\xff\xd8\xff\xe0JFIF " + CANARY.encode() + os.urandom(2500000))
    # Evidence already there, for the read-only commands that read the vault.
    with open(os.path.join(base.dir, "scan.pdf"), "wb") as f:
        f.write(b"%PDF-1.4 " + CANARY.encode() + os.urandom(1500000))
    base.tg("evidence", "add", "scan.pdf", "--source", src)
    s0 = base.summary()

    def raw(s):
        return s["lists"]["raw_records"]

    def persons(s):
        return s["records"]["person"]

    def evidence(s):
        return (s["records"]["evidence"], s["records"]["custody"])

    def changes(s):
        return s["changes"].get("update", 0)

    ops = [
        Op("import", ["import", victims, "--list", "ngo-a", "--map",
                      os.path.join(lists, "map-ngo-a.json"), "--lang", "kk"],
           raw, raw(s0) + rows),
        Op("add-person", ["add", "person", "--name", CANARY + " Person", "--sex", "female",
                          "--birth-date", "1990-02"],
           persons, persons(s0) + 1),
        Op("evidence-add", ["evidence", "add", ev, "--source", src, "--note", CANARY],
           evidence, None),
        Op("edit", ["edit", person, "--occupation", CANARY + " teacher"], changes,
           changes(s0) + 1),
        Op("link", ["link"], lambda s: s["lists"]["persons"], None),
    ]
    # What a full run gives, where it is not simply one more.
    for op in ops:
        if op.full is None:
            c = base.copy(tmp, "full")
            c.tg(*op.args)
            op.full = op.measure(c.summary())
            c.remove()
        op.before = op.measure(s0)
    return base, ops


def run_point(tmp, base, op, kind, n, stats):
    """One fault point; returns a list of failures."""
    fails = []
    st = base.copy(tmp, "pt")
    spec = "%s:%d%s" % (kind.rstrip("+"), n, "+" if kind.endswith("+") else "")
    try:
        rc, out, err = st.tg(*op.args, want=None, env={"TERGEU_TEST_FAULT": spec})
        fired = "test fault: " in err
        msgs = [l for l in err.splitlines() if "test fault:" not in l]
        if rc < 0 or rc not in (0, 5):
            fails.append("exit %d (a crash or an unclean error): %s" % (rc, err.strip()[-500:]))
        elif rc == 5 and not any(ERROR_RE.search(m) for m in msgs):
            fails.append("exit 5 without a database or I/O error message: %r" % msgs)
        if CANARY.lower() in (out + err).lower():
            fails.append("the canary is in the command's output")
        stats["fired" if fired else "not fired"] += 1
        stats["exit %d" % rc] = stats.get("exit %d" % rc, 0) + 1
        st.common_checks(CANARY, fails.append)
        orphans = st.orphans()["orphan_files"]
        if orphans:
            fails.append("left in the vault: %s" % orphans)
        got = op.measure(st.summary())
        if got not in (op.before, op.full):
            fails.append("partial: %s, before %s, whole %s" % (got, op.before, op.full))
        if rc == 0 and got != op.full:
            fails.append("exit 0 but the data is %s, whole %s" % (got, op.full))
        stats["committed" if got == op.full else "rolled back"] += 1
        # The operation again, with no fault: whole now.
        if got != op.full:
            st.tg(*op.args)
            got = op.measure(st.summary())
            if got != op.full:
                fails.append("after a clean re-run: %s, whole %s" % (got, op.full))
            st.tg("ledger", "verify")
    except CheckFailed as e:
        fails.append(str(e))
    for args, rep in st.sanitizer_reports:
        fails.append("sanitizer report from 'tergeu %s': %s" % (" ".join(args), rep[:2000]))
    st.remove()
    return fails


# Commands that only read: with a read failing, each must either give
# exactly what it gives without the fault (SQLite may retry or not need
# the page) or end in a clean error, never a shorter list, a smaller count,
# "not found" or "damaged".
READ_OPS = [
    ("ledger-verify", ["ledger", "verify"]),
    ("stats", ["--json", "stats"]),
    ("search", ["--json", "search", "Сарсенбаев"]),
    ("list", ["--json", "list", "person"]),
    ("accountability", ["--json", "accountability"]),
    ("ev-verify", ["evidence", "verify", "--all"]),
    # Not only reads (an export records custody, a report signs a
    # checkpoint), but what they write must be whole or absent.
    ("ev-export", ["evidence", "export", "EVIDENCE", "--out", "out.pdf"]),
    ("report", ["report", "--out", "out-report"]),
]


def written(path):
    """What a command wrote at path (a file, or a directory's files), less
    what differs from one run to the next: the time a report was made and
    its freshly signed checkpoint."""
    if not os.path.exists(path):
        return None
    if not os.path.isdir(path):
        with open(path, "rb") as f:
            return f.read()
    files = {}
    for name in sorted(os.listdir(path)):
        if name == "checkpoint.txt":
            continue
        with open(os.path.join(path, name), encoding="utf-8", errors="replace") as f:
            text = f.read()
        files[name] = re.sub(r'made [^<]*|<pre>.*?</pre>|"(made|checkpoint)": "[^"]*"', "",
                             text, flags=re.S)
    return files


def remove_written(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def read_op(tmp, base, name, args, limit):
    """Every read fault point (database and vault) of one read-only
    command; returns (points, failures)."""
    st = base.copy(tmp, "read")
    fails = []
    total = 0
    if "EVIDENCE" in args:
        ev = json.loads(st.tg("--json", "list", "evidence")[1])
        args = [ev[0]["id"] if a == "EVIDENCE" else a for a in args]
    out_file = os.path.join(st.dir, args[args.index("--out") + 1]) if "--out" in args else None
    try:
        clean = st.tg(*args)[1]
        whole = written(out_file) if out_file else None
        counts = fault_counts(st.tg(*args, env={"TERGEU_TEST_FAULT": "count"})[2])
        for kind in ("eio", "vault-eio"):
            if not counts[kind] and kind != "eio":
                continue  # the command does not read the vault
            pts = points(counts[kind], limit)
            total += len(pts)
            exits = {}
            for n in pts:
                if out_file:
                    remove_written(out_file)
                spec = "%s:%d" % (kind, n)
                rc, out, err = st.tg(*args, want=None, env={"TERGEU_TEST_FAULT": spec})
                msgs = [l for l in err.splitlines() if "test fault:" not in l]
                exits[rc] = exits.get(rc, 0) + 1
                if rc == 0 and out != clean:
                    diff = difflib.unified_diff(clean.splitlines(), out.splitlines(),
                                                lineterm="", n=1)
                    fails.append("%s: exit 0 with other output than without the fault:\n%s" %
                                 (spec, "\n".join(list(diff)[2:12])))
                elif rc == 5 and not any(ERROR_RE.search(l) for l in msgs):
                    fails.append("%s: exit 5 without a database or I/O error message: %r" %
                                 (spec, msgs))
                elif rc not in (0, 5):
                    fails.append("%s: exit %d: %s" % (spec, rc, err.strip()[-500:]))
                if out_file:
                    got = written(out_file)
                    if rc == 0 and got != whole:
                        fails.append("%s: exit 0 but %s is not whole" % (spec, out_file))
                    elif rc != 0 and got is not None:
                        fails.append("%s: exit %d and %s left behind" % (spec, rc, out_file))
                    base_name = os.path.basename(out_file)
                    leftovers = [f for f in os.listdir(st.dir) if f.startswith(base_name)
                                 and f != base_name]
                    if leftovers:
                        fails.append("%s: temporary files left: %s" % (spec, leftovers))
            print("%-14s %-12s %3d of %4d reads: %s" % (
                name, kind, len(pts), counts[kind],
                ", ".join("exit %d %d" % kv for kv in sorted(exits.items()))), flush=True)
        st.common_checks(CANARY, fails.append)
        for a, rep in st.sanitizer_reports:
            fails.append("sanitizer report from 'tergeu %s': %s" % (" ".join(a), rep[:2000]))
    except CheckFailed as e:
        fails.append(str(e))
    st.remove()
    return total, fails


def main(argv):
    limit = int(argv[1]) if len(argv) > 1 else 12
    only = re.compile(argv[2]) if len(argv) > 2 else None  # operations to run
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="tergeu-faults.", dir=os.environ.get("TMPDIR"))
    failures = 0
    total_points = 0
    try:
        base, ops = prepare(tmp)
        for op in ops:
            if only and not only.search(op.name):
                continue
            c = base.copy(tmp, "count")
            err = c.tg(*op.args, env={"TERGEU_TEST_FAULT": "count"})[2]
            c.remove()
            counts = fault_counts(err)
            for kind in KINDS + VAULT_KINDS:
                total = counts[kind]
                if not total and kind in VAULT_KINDS:
                    continue  # the operation does not touch the vault
                stats = {"fired": 0, "not fired": 0, "committed": 0, "rolled back": 0}
                pts = points(total, limit)
                for n in pts:
                    fails = run_point(tmp, base, op, kind, n, stats)
                    total_points += 1
                    if fails:
                        failures += 1
                        print("FAIL %s %s:%d\n    %s" % (op.name, kind, n, "\n    ".join(fails)),
                              flush=True)
                print("%-12s %-12s %3d of %4d %s: %s" % (
                    op.name, kind, len(pts), total,
                    "reads" if kind.endswith("eio") else "syncs" if kind == "vault-sync"
                    else "writes",
                    ", ".join("%s %d" % kv for kv in sorted(stats.items()))), flush=True)
        for name, args in READ_OPS:
            if only and not only.search(name):
                continue
            # Reads of these commands are few and quick: every one, always.
            n, fails = read_op(tmp, base, name, args, 100000)
            total_points += n
            failures += len(fails)
            for f in fails:
                print("FAIL %s\n    %s" % (name, f), flush=True)
        for args, rep in base.sanitizer_reports:
            failures += 1
            print("FAIL sanitizer report from 'tergeu %s': %s" % (" ".join(args), rep[:2000]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("crash-faults: %d fault points, %d failed, time %.1fs" %
          (total_points, failures, time.monotonic() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
