"""Crash consistency under SIGKILL (issue 9, part 2; THREATS.md T2).

kill.py RUNS [SEED]: RUNS runs, taking the workloads in turn (import,
link, evidence, web).  Each run sets up a fresh encrypted database, starts
the workload, sends SIGKILL at a moment drawn from a seeded RNG (printed,
so a failure can be replayed with the same seed), then checks:
  - ledger verify passes (it runs PRAGMA quick_check too), and so does
    evidence verify --all;
  - every acknowledged write is present (an import that printed its
    count, an evidence id printed, a 201 with an id from the API), and
    nothing is partial (an import has all of its rows or none; a link run
    leaves the persons and review queue as before or as a full run does;
    an evidence item is there whole or not at all);
  - the run's canary appears in no database file (db, -wal, -shm,
    -journal) nor in the vault;
  - the database takes the interrupted work again afterwards.
Prints one line per run and a summary; exits 1 if any run failed.
Environment: TERGEU (the binary), CRASH_KEEP=1 keeps failed runs' files.
"""
import json
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crashlib import CheckFailed, Store, write_canary_list  # noqa: E402

WORKLOADS = ("import", "link", "evidence", "web")


class Run:
    def __init__(self, n, workload, rng, canary):
        self.n, self.workload, self.rng, self.canary = n, workload, rng, canary
        self.killed = False
        self.delay = 0.0
        self.acked = 0
        self.lost = 0
        self.failures = []
        self.note = ""

    def fail(self, msg):
        self.failures.append(msg)

    def lose(self, msg):
        self.lost += 1
        self.fail("LOST: " + msg)


class Harness:
    def __init__(self, seed):
        self.seed = seed
        self.tmp = tempfile.mkdtemp(prefix="tergeu-crash.", dir=os.environ.get("TMPDIR"))
        self.durations = {}  # workload -> seconds of its last full run
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

    # Starts tergeu ARGS in store st, kills it after delay seconds unless it
    # ended first; returns (killed, status, output).
    def kill_after(self, run, st, args, delay):
        log = os.path.join(st.dir, "victim.out")
        with open(log, "wb") as out:
            t0 = time.monotonic()
            p = st.popen(*args, out=out)
            while True:
                left = delay - (time.monotonic() - t0)
                if left <= 0:
                    break
                try:
                    p.wait(timeout=min(left, 0.01))
                    break
                except Exception:
                    pass
            killed = p.poll() is None
            if killed:
                p.kill()  # SIGKILL to this pid only
            status = p.wait()
        with open(log, encoding="utf-8", errors="replace") as f:
            output = f.read()
        st.note_stderr(args, output)
        run.killed = killed
        run.delay = delay
        if not killed and status != 0:
            run.fail("'tergeu %s' exited %d unkilled: %s" % (" ".join(args), status,
                                                             output.strip()[-400:]))
        return killed, status, output

    def draw_delay(self, run, workload, default):
        d = self.durations.get(workload, default)
        return run.rng.uniform(0.0, d * 1.15)

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
        killed, status, out = self.kill_after(run, st, args, self.draw_delay(run, "import", 0.4))
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
        run.note = "committed" if d_raw else "rolled back"
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
        ref.tg("link")
        self.durations["link"] = time.monotonic() - t0
        s1 = ref.summary()["lists"]
        self.sanitizer += ref.sanitizer_reports
        ref.remove()
        killed, status, out = self.kill_after(run, st, ("link",),
                                              self.draw_delay(run, "link", 1.0))
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
        run.note = "committed" if got == full else "rolled back"
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
        killed, status, out = self.kill_after(run, st, args, self.draw_delay(run, "evidence", 0.3))
        if not killed:
            self.durations["evidence"] = time.monotonic() - t0
        ev = out.split()[0] if "sha256:" in out else None
        run.acked = int(bool(ev))
        st.common_checks(run.canary, run.fail)
        n = st.summary()["records"]["evidence"]
        if n not in (0, 1):
            run.fail("%d evidence items after one intake" % n)
        if ev:
            rc, o, e = st.tg("evidence", "show", ev, want=None)
            if rc != 0:
                run.lose("acknowledged evidence %s is missing" % ev)
        vault = st.db + "-vault"
        files = sorted(os.listdir(vault)) if os.path.isdir(vault) else []
        orphans = len(files) - n
        tmps = sum(f.startswith("tmp-") for f in files)
        run.note = ("committed" if n else "rolled back") + \
            (", %d orphan vault file(s) (%d tmp-*)" % (orphans, tmps) if orphans else "")
        self.orphans += max(orphans, 0)
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
        run.note = "%d acknowledged, %d stored, %d attempted" % (len(acked), len(recs), attempts[0])
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


def main(argv):
    if len(argv) < 2 or not argv[1].isdigit():
        sys.exit("usage: kill.sh RUNS [SEED]")
    runs = int(argv[1])
    seed = int(argv[2]) if len(argv) > 2 else random.SystemRandom().randrange(1, 10**9)
    print("crash-kill: %d runs, seed %d (replay: kill.sh %d %d)" % (runs, seed, runs, seed),
          flush=True)
    t0 = time.monotonic()
    h = Harness(seed)
    h.orphans = 0
    kills = survived = lost = failed = acked = 0
    try:
        for n in range(runs):
            r = h.one(n)
            kills += r.killed
            acked += r.acked
            lost += r.lost
            ok = not r.failures
            survived += ok and r.killed
            failed += not ok
            print("run %3d %-8s %s at %.3fs: %s%s%s" % (
                n, r.workload, "killed" if r.killed else "ended ", r.delay,
                "ok" if ok else "FAIL", ", " + r.note if r.note else "",
                "".join("\n    " + f for f in r.failures)), flush=True)
    finally:
        shutil.rmtree(h.tmp, ignore_errors=True) if not os.environ.get("CRASH_KEEP") else None
    el = time.monotonic() - t0
    print("crash-kill: seed %d, runs %d, kills %d, survived %d, acknowledged writes %d, "
          "data lost %d, failed runs %d, orphan vault files %d, time %.1fs" %
          (seed, runs, kills, survived, acked, lost, failed, h.orphans, el))
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
