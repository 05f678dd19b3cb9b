"""Shared by the crash tests (kill.py, faults.py): a scratch encrypted
database as tests/scenario/lib.sh sets one up, tergeu runs whose stderr is
scanned for sanitizer reports, and the checks every run ends with (SQLite's
full integrity check and the ledger, evidence, canary grep)."""
import atexit
import json
import os
import shutil
import subprocess
import tempfile
import time

PASSPHRASE = "Taldykorgan river stone lamp\n"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


_binary = None


def tergeu_binary():
    """A private copy of $TERGEU, taken at the first call, so that a
    rebuild during a long run does not swap the binary under it."""
    global _binary
    if _binary is None:
        t = os.environ.get("TERGEU")
        if not t:
            raise SystemExit("TERGEU must point to the tergeu binary")
        d = tempfile.mkdtemp(prefix="tergeu-bin.", dir=os.environ.get("TMPDIR"))
        for attempt in range(50):
            try:
                shutil.copy2(t, os.path.join(d, "tergeu"))
                break
            except OSError:
                time.sleep(0.2)  # being relinked
        _binary = os.path.join(d, "tergeu")
        atexit.register(shutil.rmtree, d, True)
    return _binary


class CheckFailed(Exception):
    pass


class Store:
    """A scratch directory with an encrypted database DIR/db.sqlite."""

    def __init__(self, parent, name):
        self.dir = tempfile.mkdtemp(prefix=name + ".", dir=parent)
        self.db = os.path.join(self.dir, "db.sqlite")
        self.pw = os.path.join(self.dir, "passphrase")
        with open(self.pw, "w") as f:
            f.write(PASSPHRASE)
        self.sanitizer_reports = []

    def env(self, extra=None):
        e = dict(os.environ)
        e.pop("XDG_DATA_HOME", None)
        e.pop("TERGEU_TEST_FAULT", None)
        e.update(TERGEU_DB=self.db, LANGUAGE="en", TERGEU_LANG="en", TERGEU_TEST="1",
                 TERGEU_TEST_WEAK_KDF="1", TERGEU_PASSPHRASE_FILE=self.pw)
        # Sanitizer reports must reach stderr, where they are looked for.
        e.setdefault("ASAN_OPTIONS", "abort_on_error=0")
        if extra:
            e.update(extra)
        return e

    def note_stderr(self, args, err):
        for m in SANITIZER_MARKS:
            if m in err:
                self.sanitizer_reports.append((args, err))
                break

    def tg(self, *args, want=0, env=None, stdin=None, **kw):
        """Runs tergeu ARGS to completion; fails unless it exits with want
        (None: any status).  Returns (status, stdout, stderr)."""
        p = subprocess.run([tergeu_binary()] + list(args), env=self.env(env), cwd=self.dir,
                           capture_output=True, text=True, errors="replace", stdin=stdin, **kw)
        self.note_stderr(args, p.stderr)
        if want is not None and p.returncode != want:
            raise CheckFailed("'tergeu %s' exited %d, expected %d: %s" %
                              (" ".join(args), p.returncode, want, p.stderr.strip()[-600:]))
        return p.returncode, p.stdout, p.stderr

    def popen(self, *args, out=None, env=None):
        """Starts tergeu ARGS; stdout and stderr go to the file out."""
        return subprocess.Popen([tergeu_binary()] + list(args), env=self.env(env), cwd=self.dir,
                                stdout=out, stderr=subprocess.STDOUT if out else None,
                                stdin=subprocess.DEVNULL)

    def init(self):
        self.tg("init")

    def summary(self):
        return json.loads(self.tg("summary", "--json")[1])

    def copy(self, parent, name):
        """A copy of this store's directory (the database must be closed)."""
        other = Store(parent, name)
        shutil.rmtree(other.dir)
        shutil.copytree(self.dir, other.dir)
        other.db = os.path.join(other.dir, "db.sqlite")
        other.pw = os.path.join(other.dir, "passphrase")
        return other

    def db_files(self):
        """The database's files that must never hold plaintext."""
        files = [self.db + s for s in ("", "-wal", "-shm", "-journal")]
        vault = self.db + "-vault"
        if os.path.isdir(vault):
            files += [os.path.join(vault, n) for n in sorted(os.listdir(vault))]
        return [f for f in files if os.path.isfile(f)]

    def canary_hits(self, canary):
        """The files holding canary in plaintext (any case: the full-text
        index keeps folded tokens)."""
        needle = canary.lower().encode()
        hits = []
        for f in self.db_files():
            with open(f, "rb") as fh:
                if needle in fh.read().lower():
                    hits.append(os.path.basename(f))
        return hits

    def common_checks(self, canary, fail):
        """After a crash or a fault: SQLite's full integrity_check (every
        page, index entry and constraint) and the ledger, and every evidence
        file verify, and the canary is nowhere on disk."""
        rc, out, err = self.tg("ledger", "verify", "--full", want=None)
        if rc != 0:
            fail("ledger verify --full exited %d: %s" % (rc, (err or out).strip()[-400:]))
        elif "integrity check passed" not in out:
            fail("ledger verify --full did not run the integrity check: %s" % out.strip())
        rc, out, err = self.tg("evidence", "verify", "--all", want=None)
        if rc != 0:
            fail("evidence verify --all exited %d: %s" % (rc, (err or out).strip()[-400:]))
        hits = self.canary_hits(canary)
        if hits:
            fail("the canary %s is in plaintext in %s" % (canary, ", ".join(hits)))

    def orphans(self, remove=False):
        """evidence gc (--dry-run unless remove) with no grace period, as
        JSON: the vault's files no evidence names."""
        args = ["--json", "evidence", "gc", "--grace", "0"] + ([] if remove else ["--dry-run"])
        return json.loads(self.tg(*args)[1])

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def write_canary_list(src, dst, column, canary, every=500):
    """Copies the CSV list src to dst with canary put into column of the
    first row, every every-th row and the last row.  Returns the row count."""
    import csv
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    c = head.index(column)
    for k, r in enumerate(body):
        if k % every == 0 or k == len(body) - 1:
            r[c] = "%s %s" % (canary, r[c])
    with open(dst, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([head] + body)
    return len(body)
