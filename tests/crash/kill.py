"""Crash consistency under SIGKILL (issue 9, part 2; THREATS.md T2).

kill.py RUNS [SEED]: RUNS runs, taking the workloads in turn (import,
link, evidence, web).  Each run sets up a fresh encrypted database, starts
the workload and sends SIGKILL at a moment drawn from a seeded RNG
(printed, so a failure can be replayed with the same seed).  The moment
comes from one of these, drawn per run, so that kills reach the whole
operation and its tail, after the commit point too:
  uniform  anywhere in 0 .. 1.1 x the operation's last measured duration;
  tail     in its last quarter (0.75 .. 1.05 x), where the commit is;
  ack      (import, evidence) just after the operation acknowledged its
           work (its stdout is a terminal, so the line arrives as it is
           printed): after the commit, while the database is closed and
           checkpointed;
  save     (link, which reports only after closing) at a moment drawn
           from the save's first frames in the WAL after its last progress
           report ("clustering", on stderr, also a terminal): half within
           the burst of frames that ends with the commit frame, half over
           all that follows too (the close and the checkpoint);
  sealed   (evidence) just after the sealed file took its final name in
           the vault, between the rename and the record's commit.
Web runs are killed at a uniform moment among a stream of writes.  After
each kill:
  - SQLite's full integrity_check and the ledger verify (ledger verify
    --full), and so does evidence verify --all;
  - every acknowledged write is present (an import that printed its
    count, an evidence id printed, a 201 with an id from the API), and
    nothing is partial (an import has all of its rows or none; a link run
    leaves the persons and review queue as before or as a full run does;
    an evidence item is there whole or not at all);
  - the vault's files no evidence names are only those the kill explains
    (none after a commit or outside an intake; at most one, a temporary
    file or a sealed blob, after an intake killed before its commit; a
    blob after a kill in the sealed window); evidence verify --all names
    them, evidence gc removes exactly them, and verify is clean after;
  - the run's canary appears in no database file (db, -wal, -shm,
    -journal) nor in the vault;
  - the database takes the interrupted work again afterwards.
Each kill is counted as before or after the operation's commit point (for
web writes: after one when a write was stored but not yet answered).
Prints one line per run and a summary; exits 1 if any run failed.
Environment: TERGEU (the binary), CRASH_KEEP=1 keeps failed runs' files.
"""
import json
import os
import pty
import random
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crashlib import CheckFailed, Store, tergeu_binary, write_canary_list  # noqa: E402

WORKLOADS = ("import", "link", "evidence", "web")
# How the kill moment is chosen, with weights, per workload (see above).
MODES = {
    "import": (("uniform", 4), ("tail", 3), ("ack", 3)),
    "link": (("uniform", 4), ("tail", 2), ("save", 4)),
    "evidence": (("uniform", 3), ("tail", 2), ("sealed", 3), ("ack", 2)),
}
# What a triggered mode waits for: the acknowledgement an operation prints
# once its work is committed, or (SAVE) the first growth of the WAL after
# the link's last progress report.
SAVE, SAVE_END = "<save>", "<save end>"
MARKS = {("import", "ack"): "imported ", ("evidence", "ack"): "sha256:",
         ("link", "save"): SAVE}
LAST_PROGRESS = "clustering"
# Seconds from a mark to the process's end, until measured.
TAILS = {("import", "ack"): 0.02, ("evidence", "ack"): 0.006, ("link", "save"): 0.04}


class Run:
    def __init__(self, n, workload, rng, canary):
        self.n, self.workload, self.rng, self.canary = n, workload, rng, canary
        self.killed = False
        self.delay = 0.0
        self.mode = "uniform"
        self.committed = False  # the operation's commit point was passed
        self.acked = 0
        self.lost = 0
        self.orphans = {"blob": 0, "temp": 0}
        self.failures = []
        self.note = ""

    def fail(self, msg):
        self.failures.append(msg)

    def lose(self, msg):
        self.lost += 1
        self.fail("LOST: " + msg)

    def phase(self):
        """Where the kill landed: "before" or "after" the commit point, or
        "ended" when the operation ended first."""
        return "ended" if not self.killed else "after" if self.committed else "before"


class Victim:
    """A tergeu process whose stdout and stderr are a terminal, read as it
    is written (so an acknowledgement or a progress report is seen the
    moment it is printed).  seen[text] is when text first appeared."""

    def __init__(self, st, args):
        self.st, self.args = st, args
        master, slave = pty.openpty()
        self.master = master
        self.p = subprocess.Popen([tergeu_binary()] + list(args), env=st.env(), cwd=st.dir,
                                  stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        self.buf = b""
        self.seen = {}
        self.wal = st.db + "-wal"

    def pump(self, timeout):
        """Reads what the process wrote, waiting up to timeout seconds."""
        self.watch_wal()
        if self.master < 0:
            time.sleep(timeout)
            return
        r, _, _ = select.select([self.master], [], [], timeout)
        if r:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            if data:
                self.buf += data
                now = time.monotonic()
                for mark in list(MARKS.values()) + [LAST_PROGRESS]:
                    if mark not in self.seen and mark.encode() in self.buf:
                        self.seen[mark] = now
            else:
                os.close(self.master)
                self.master = -1

    def watch_wal(self):
        """Notes when the WAL first grows past its header after the last
        progress report (the link's save being written), and when it last
        grew (its commit frame)."""
        if LAST_PROGRESS not in self.seen:
            return
        try:
            size = os.path.getsize(self.wal)
        except OSError:
            return
        if size > 32 and SAVE not in self.seen:
            self.seen[SAVE] = time.monotonic()
            self.wal_size = size
        elif SAVE in self.seen and size > self.wal_size:
            self.seen[SAVE_END] = time.monotonic()
            self.wal_size = size

    @property
    def out(self):
        return self.buf.decode("utf-8", "replace").replace("\r\n", "\n")

    def finish(self):
        """Waits for the process; returns (status, output): its stdout and
        stderr together, progress reports and all."""
        status = self.p.wait()
        self.ended = time.monotonic()
        while self.master >= 0:
            self.pump(0.05)
        self.st.note_stderr(self.args, self.out)
        return status, self.out


class Harness:
    def __init__(self, seed):
        self.seed = seed
        self.tmp = tempfile.mkdtemp(prefix="tergeu-crash.", dir=os.environ.get("TMPDIR"))
        self.durations = {}  # workload -> seconds of its last full run
        self.tails = dict(TAILS)  # (workload, mode) -> seconds from its mark to its exit
        self.bursts = {}  # workload -> seconds the save's frames took to reach the WAL
        self.sanitizer = []
        gen = Store(self.tmp, "lists")
        gen.tg("generate", "--out", os.path.join(self.tmp, "lists"), "--size", "30000",
               "--seed", str(seed % 100000 + 1))
        self.lists = os.path.join(self.tmp, "lists")
        gen.remove()
        self.evidence_file = os.path.join(self.tmp, "evidence.bin")

    def lst(self, name):
        return os.path.join(self.lists, "list-%s.csv" % name)

    def map(self, name):
        return os.path.join(self.lists, "map-%s.json" % name)

    def plan(self, run, workload, default):
        """Draws the run's kill mode and, for the timed ones, its moment."""
        modes = MODES[workload]
        pick = run.rng.uniform(0, sum(w for _, w in modes))
        for mode, w in modes:
            if pick < w:
                break
            pick -= w
        run.mode = mode
        d = self.durations.get(workload, default)
        if mode == "uniform":
            return run.rng.uniform(0.0, d * 1.1)
        if mode == "tail":
            return run.rng.uniform(d * 0.75, d * 1.05)
        # After the trigger: at once, or later in what follows it (after an
        # acknowledgement the close and the checkpoint of the WAL; after
        # the rename, the record's commit).
        if mode == "sealed":
            return run.rng.uniform(0.0, 0.003)
        if mode == "save" and run.rng.random() < 0.5:
            return run.rng.uniform(0.0, self.bursts.get(workload, 0.006))
        return run.rng.uniform(0.0, self.tails[(workload, mode)] *
                               (0.8 if mode == "ack" else 1.05))

    @staticmethod
    def vault_blobs(st):
        vault = st.db + "-vault"
        return {f for f in os.listdir(vault) if not f.startswith("tmp-")} \
            if os.path.isdir(vault) else set()

    def kill_during(self, run, st, args, default):
        """Runs tergeu ARGS in st and kills it as run's plan says, unless
        it ends first; returns (killed, status, output)."""
        wait = self.plan(run, run.workload, default)
        trigger = None
        mark = MARKS.get((run.workload, run.mode))
        if mark:
            trigger = lambda v: mark in v.seen  # noqa: E731
        elif run.mode == "sealed":
            before = self.vault_blobs(st)
            trigger = lambda v: bool(self.vault_blobs(st) - before)  # noqa: E731
        v = Victim(st, args)
        t0 = time.monotonic()
        kill_at = None if trigger else t0 + wait
        killed = False
        while v.p.poll() is None:
            now = time.monotonic()
            if kill_at is None and trigger(v):
                kill_at = now + wait
            if kill_at is not None and now >= kill_at:
                v.p.kill()  # SIGKILL to this pid only
                killed = True
                break
            v.pump(0.0003 if trigger and kill_at is None else
                   max(0.0, min(0.005, (kill_at or now) - now)))
        killed = killed and v.p.wait() < 0
        status, out = v.finish()
        if not killed:
            self.measure_tails(run.workload, v)
        run.killed = killed
        run.delay = time.monotonic() - t0 if not killed else (kill_at - t0)
        if not killed and status != 0:
            run.fail("'tergeu %s' exited %d unkilled: %s" % (" ".join(args), status,
                                                             out.strip()[-400:]))
        return killed, status, out

    def measure_tails(self, workload, v):
        """How long a process that ran to its end lived after each mark."""
        for (w, mode), mark in MARKS.items():
            if w == workload and mark in v.seen:
                self.tails[(w, mode)] = max(0.0005, v.ended - v.seen[mark])
        if SAVE_END in v.seen:
            self.bursts[workload] = v.seen[SAVE_END] - v.seen[SAVE]

    def run_whole(self, st, args):
        """Runs tergeu ARGS in st to its end, measuring its tails."""
        v = Victim(st, args)
        while v.p.poll() is None:
            v.pump(0.0005)
        status, out = v.finish()
        if status != 0:
            raise CheckFailed("'tergeu %s' exited %d: %s" % (" ".join(args), status,
                                                             out.strip()[-400:]))
        self.measure_tails(args[0], v)

    def check_orphans(self, run, st, explain):
        """The vault's files no evidence names must be those the kill
        explains (explain: the largest count and the kinds allowed, or
        an exact kind); verify names them, gc removes exactly them, and
        verify is clean after."""
        rep = st.orphans()
        files = rep["orphan_files"]
        for f in files:
            run.orphans[f["kind"]] += 1
        most, kinds, exact = explain
        if len(files) > most or any(f["kind"] not in kinds for f in files):
            run.fail("orphans the kill does not explain: %s (at most %d of %s)" %
                     ([(f["name"], f["kind"]) for f in files], most, "/".join(kinds) or "none"))
        if exact and [f["kind"] for f in files] != [exact]:
            run.fail("a kill after the rename left %s, not one %s" %
                     ([f["kind"] for f in files], exact))
        rc, out, err = st.tg("evidence", "verify", "--all", want=None)
        if rc != 0:
            run.fail("evidence verify --all exited %d: %s" % (rc, (err or out).strip()[-300:]))
        if bool(files) != ("vault:" in out):
            run.fail("evidence verify --all %s the %d orphan(s): %s" %
                     ("does not name" if files else "reports orphans beyond", len(files),
                      out.strip()[-300:]))
        gc = st.orphans(remove=True)
        if gc["removed"] != len(files) or (files and not gc["entry"]):
            run.fail("evidence gc removed %d of %d orphan(s), ledger entry %s" %
                     (gc["removed"], len(files), gc["entry"]))
        rc, out, err = st.tg("evidence", "verify", "--all", want=None)
        if rc != 0 or "vault:" in out:
            run.fail("evidence verify --all after gc: exit %d: %s" % (rc, out.strip()[-300:]))
        return files

    # ---- (a) import of a generated victim list ----
    def w_import(self, run, st):
        st.init()
        st.tg("import", self.lst("government"), "--list", "base", "--map", self.map("government"),
              "--lang", "ru")
        f = os.path.join(st.dir, "victims.csv")
        rows = write_canary_list(self.lst("ngo-b"), f, "name", run.canary)
        s0 = st.summary()
        args = ("import", f, "--list", "run-%d" % run.n, "--map", self.map("ngo-b"), "--lang", "en")
        t0 = time.monotonic()
        killed, status, out = self.kill_during(run, st, args, 0.3)
        if not killed:
            self.durations["import"] = time.monotonic() - t0
        acked = "imported %d rows" % rows in out
        run.acked = int(acked)
        st.common_checks(run.canary, run.fail)
        s1 = st.summary()
        d_raw = s1["lists"]["raw_records"] - s0["lists"]["raw_records"]
        d_src = s1["records"]["source"] - s0["records"]["source"]
        if (d_raw, d_src) not in ((0, 0), (rows, 1)):
            run.fail("partial import: %d of %d rows, %d new source(s)" % (d_raw, rows, d_src))
        if acked and d_raw != rows:
            run.lose("an acknowledged import of %d rows left %d" % (rows, d_raw))
        run.committed = d_raw == rows
        run.note = "committed" if d_raw else "rolled back"
        self.check_orphans(run, st, (0, (), None))
        # The database takes the import again: refused as a duplicate if it
        # committed, whole otherwise.
        t0 = time.monotonic()
        rc, out, err = st.tg(*args, want=None)
        if not d_raw:
            self.durations["import"] = time.monotonic() - t0
        if rc != (4 if d_raw else 0):
            run.fail("re-import after the crash exited %d: %s" % (rc, err.strip()[-300:]))
        s2 = st.summary()
        if s2["lists"]["raw_records"] - s0["lists"]["raw_records"] != rows:
            run.fail("after the re-import: %d rows, expected %d" %
                     (s2["lists"]["raw_records"] - s0["lists"]["raw_records"], rows))

    # ---- (b) record linkage ----
    def w_link(self, run, st):
        st.init()
        f = os.path.join(st.dir, "gov.csv")
        write_canary_list(self.lst("government"), f, "full_name", run.canary)
        st.tg("import", f, "--list", "government", "--map", self.map("government"), "--lang", "ru")
        for name, lang in (("ngo-a", "kk"), ("media", "en")):
            st.tg("import", self.lst(name), "--list", name, "--map", self.map(name), "--lang", lang)
        s0 = st.summary()["lists"]
        # The same work, run to its end on a copy: what a full run gives.
        ref = st.copy(self.tmp, "ref")
        t0 = time.monotonic()
        self.run_whole(ref, ("link",))
        self.durations["link"] = time.monotonic() - t0
        s1 = ref.summary()["lists"]
        self.sanitizer += ref.sanitizer_reports
        ref.remove()
        killed, status, out = self.kill_during(run, st, ("link",), 1.0)
        acked = "linked" in out
        run.acked = int(acked)
        st.common_checks(run.canary, run.fail)
        s = st.summary()["lists"]
        got = (s["persons"], s["review"])
        before, full = (s0["persons"], s0["review"]), (s1["persons"], s1["review"])
        if got not in (before, full):
            run.fail("partial link: persons/review %s, before %s, a full run %s" % (got, before, full))
        if acked and got != full:
            run.lose("an acknowledged link left persons/review %s, a full run %s" % (got, full))
        run.committed = got == full != before
        run.note = "committed" if got == full else "rolled back"
        self.check_orphans(run, st, (0, (), None))
        st.tg("link")
        s = st.summary()["lists"]
        if (s["persons"], s["review"]) != full:
            run.fail("a link after the crash gave %s, a full run %s" %
                     ((s["persons"], s["review"]), full))

    # ---- (c) evidence intake of a large file ----
    def w_evidence(self, run, st):
        st.init()
        src = st.tg("add", "source", "--type", "photo_video", "--title", "Phone video")[1].strip()
        f = os.path.join(st.dir, "video.mp4")
        chunk = os.urandom(1 << 20)
        with open(f, "wb") as fh:
            fh.write(b"\x00\x00\x00\x18ftypmp42 %s " % run.canary.encode())
            for k in range(4):
                fh.write(chunk)
                fh.write(b" %s %d " % (run.canary.encode(), k))
        args = ("evidence", "add", f, "--source", src, "--captured-by", "documenter",
                "--note", "street: " + run.canary)
        t0 = time.monotonic()
        killed, status, out = self.kill_during(run, st, args, 0.15)
        if not killed:
            self.durations["evidence"] = time.monotonic() - t0
        m = re.search(r"([0-9a-f-]{36})  sha256:", out)
        ev = m.group(1) if m else None
        run.acked = int(bool(ev))
        st.common_checks(run.canary, run.fail)
        n = st.summary()["records"]["evidence"]
        if n not in (0, 1):
            run.fail("%d evidence items after one intake" % n)
        if ev:
            rc, o, e = st.tg("evidence", "show", ev, want=None)
            if rc != 0:
                run.lose("acknowledged evidence %s is missing" % ev)
        run.committed = n == 1
        # A committed intake leaves no orphan; one killed before its commit
        # at most its temporary file or, past the rename, its sealed blob.
        vault = st.db + "-vault"
        on_disk = len(os.listdir(vault)) - n if os.path.isdir(vault) else 0
        explain = (0, (), None) if n else \
            (1, ("blob",), "blob") if run.mode == "sealed" and killed else (1, ("blob", "temp"), None)
        files = self.check_orphans(run, st, explain)
        if len(files) != on_disk:
            run.fail("gc found %d orphan(s), the vault holds %d file(s) beyond the record" %
                     (len(files), on_disk))
        run.note = ("committed" if n else "rolled back") + \
            "".join(", orphan %s %s removed" % (f["kind"], f["name"]) for f in files)
        # Intake works again afterwards, and everything verifies.
        t0 = time.monotonic()
        st.tg(*args)
        self.durations["evidence"] = time.monotonic() - t0
        rc, o, e = st.tg("evidence", "verify", "--all", want=None)
        if rc != 0 or "%d evidence file(s) checked, 0 mismatched" % (n + 1) not in o:
            run.fail("evidence verify after a new intake: %s" % (o + e).strip()[-300:])

    # ---- (d) writes through the JSON API ----
    def w_web(self, run, st):
        st.init()
        st.tg("user", "add", "erlan", "--role", "editor", "--password-fd", "0",
              stdin=open(st.pw))
        token = st.tg("user", "token", "erlan", "--label", "crash")[1].splitlines()[1].strip()
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        base = "http://127.0.0.1:%d/api/v1/person" % port
        log = os.path.join(st.dir, "serve.out")
        out = open(log, "wb")
        p = st.popen("serve", "--listen", "127.0.0.1:%d" % port, out=out)
        t0 = time.monotonic()
        while True:
            with open(log, "rb") as fh:
                if b"serving" in fh.read():
                    break
            if p.poll() is not None or time.monotonic() - t0 > 30:
                p.kill()
                p.wait()
                out.close()
                raise CheckFailed("the server did not start")
            time.sleep(0.02)
        acked, attempts = [], [0]
        stop = threading.Event()
        lock = threading.Lock()

        def client(c):
            k = 0
            while not stop.is_set():
                name = "%s Person-%d-%d" % (run.canary, c, k)
                k += 1
                body = json.dumps({"names": [{"text": name, "role": "full"}],
                                   "sex": "female", "birth_date": "1990"}).encode()
                req = urllib.request.Request(base, data=body, method="POST", headers={
                    "Authorization": "Bearer " + token, "Content-Type": "application/json"})
                with lock:
                    attempts[0] += 1
                try:
                    with urllib.request.urlopen(req, timeout=10) as r:
                        d = json.load(r)
                        if r.status == 201 and d.get("id"):
                            with lock:
                                acked.append((d["id"], name))
                except urllib.error.HTTPError as e:
                    run.fail("POST answered %d: %s" % (e.code, e.read()[:200]))
                    return
                except Exception:
                    return  # the server is gone: unacknowledged

        threads = [threading.Thread(target=client, args=(c,)) for c in range(3)]
        for t in threads:
            t.start()
        delay = run.rng.uniform(0.05, 1.5)
        time.sleep(delay)
        run.killed = p.poll() is None
        run.delay = delay
        p.kill()
        p.wait()
        stop.set()
        for t in threads:
            t.join()
        out.close()
        with open(log, encoding="utf-8", errors="replace") as fh:
            st.note_stderr(("serve",), fh.read())
        run.acked = len(acked)
        st.common_checks(run.canary, run.fail)
        exp = os.path.join(st.dir, "export.json")
        st.tg("export", "--out", exp)
        with open(exp, encoding="utf-8") as fh:
            recs = {r["id"]: r for r in json.load(fh)["records"] if r["entity"] == "person"}
        os.unlink(exp)
        for pid, name in acked:
            r = recs.get(pid)
            if r is None:
                run.lose("acknowledged person %s is missing" % pid)
            elif [n["text"] for n in r.get("names", [])] != [name]:
                run.fail("person %s is partial: %s" % (pid, r.get("names")))
        if not len(acked) <= len(recs) <= attempts[0]:
            run.fail("%d persons, %d acknowledged, %d attempted" % (len(recs), len(acked), attempts[0]))
        for pid, name in acked[-1:] + acked[:1]:
            rc, o, e = st.tg("show", pid, want=None)
            if rc != 0 or name not in o:
                run.lose("show %s: exit %d" % (pid, rc))
        # Killed after a write's commit and before its answer: stored, not
        # acknowledged (the client never knew; it is there all the same).
        run.committed = len(recs) > len(acked)
        run.note = "%d acknowledged, %d stored, %d attempted" % (len(acked), len(recs), attempts[0])
        self.check_orphans(run, st, (0, (), None))
        st.tg("add", "person", "--name", run.canary + " after")

    def one(self, n):
        workload = WORKLOADS[n % len(WORKLOADS)]
        rng = random.Random("%d/%d" % (self.seed, n))
        canary = "Zqxcanary%08x" % rng.getrandbits(32)
        run = Run(n, workload, rng, canary)
        st = Store(self.tmp, "run%d" % n)
        try:
            getattr(self, "w_" + workload)(run, st)
        except CheckFailed as e:
            run.fail(str(e))
        self.sanitizer += st.sanitizer_reports
        for args, err in st.sanitizer_reports:
            run.fail("sanitizer report from 'tergeu %s': %s" % (" ".join(args), err[:2000]))
        if run.failures and os.environ.get("CRASH_KEEP"):
            run.note += " (kept in %s)" % st.dir
        else:
            st.remove()
        return run


def summary(runs):
    """Kills by operation: before and after the commit point, by mode."""
    lines = []
    for w in WORKLOADS:
        rs = [r for r in runs if r.workload == w]
        if not rs:
            continue
        count = {ph: sum(r.phase() == ph for r in rs) for ph in ("before", "after", "ended")}
        modes = sorted({r.mode for r in rs})
        by = ", ".join("%s %d/%d" % (m, sum(r.mode == m and r.phase() == "before" for r in rs),
                                     sum(r.mode == m and r.phase() == "after" for r in rs))
                       for m in modes)
        if w == "web":
            lines.append("  %-8s runs %3d, kills %3d: after a write's commit and before its"
                         " answer %3d, between writes %3d" %
                         (w, len(rs), count["before"] + count["after"], count["after"],
                          count["before"]))
            continue
        lines.append("  %-8s runs %3d, kills %3d: before the commit point %3d, after %3d"
                     " (by mode, before/after: %s); ended before the kill %d" %
                     (w, len(rs), count["before"] + count["after"], count["before"],
                      count["after"], by, count["ended"]))
    return "\n".join(lines)


def main(argv):
    if len(argv) < 2 or not argv[1].isdigit():
        sys.exit("usage: kill.sh RUNS [SEED]")
    runs = int(argv[1])
    seed = int(argv[2]) if len(argv) > 2 else random.SystemRandom().randrange(1, 10**9)
    print("crash-kill: %d runs, seed %d (replay: kill.sh %d %d)" % (runs, seed, runs, seed),
          flush=True)
    t0 = time.monotonic()
    h = Harness(seed)
    done = []
    try:
        for n in range(runs):
            r = h.one(n)
            done.append(r)
            ok = not r.failures
            print("run %3d %-8s %s at %.3fs (%s, %s): %s%s%s" % (
                n, r.workload, "killed" if r.killed else "ended ", r.delay, r.mode,
                r.phase() + (" commit" if r.killed else ""), "ok" if ok else "FAIL",
                ", " + r.note if r.note else "", "".join("\n    " + f for f in r.failures)),
                flush=True)
    finally:
        shutil.rmtree(h.tmp, ignore_errors=True) if not os.environ.get("CRASH_KEEP") else None
    el = time.monotonic() - t0
    kills = sum(r.killed for r in done)
    survived = sum(r.killed and not r.failures for r in done)
    failed = sum(bool(r.failures) for r in done)
    lost = sum(r.lost for r in done)
    acked = sum(r.acked for r in done)
    blobs = sum(r.orphans["blob"] for r in done)
    temps = sum(r.orphans["temp"] for r in done)
    print("crash-kill: kills by operation\n" + summary(done))
    print("crash-kill: seed %d, runs %d, kills %d, survived %d, acknowledged writes %d, "
          "data lost %d, failed runs %d, orphan vault files %d (%d sealed blobs, %d temporary"
          " files) found after the kills and removed by evidence gc, time %.1fs" %
          (seed, runs, kills, survived, acked, lost, failed, blobs + temps, blobs, temps, el))
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
