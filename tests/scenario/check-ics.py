#!/usr/bin/env python3
"""Checks an iCalendar file against the rules of RFC 5545 that calendar
apps trip over, and prints its events as JSON lines (unfolded, unescaped).

Checked: CRLF line ends and no bare CR or LF; every physical line at most
75 octets and valid UTF-8 on its own (a fold never splits a character);
continuation lines start with one space or tab and unfolding joins them;
content lines are NAME[;PARAM=VALUE]*:VALUE; BEGIN/END nest, the object is
one VCALENDAR with VERSION:2.0 and a PRODID; each VEVENT has exactly one
UID (unique in the file), one DTSTAMP in UTC ("Z" form), one DTSTART (a
real date for VALUE=DATE, else a date-time); TEXT values use only the
escapes \\\\ \\; \\, \\n \\N and hold no unescaped ';' or ','.

When the icalendar package is installed it reads the file too, as a second
opinion (same events, same UIDs); otherwise that is skipped with a note.

Usage: check-ics.py FILE.ics   (exit 1 and one line per problem on failure)
"""
import datetime
import json
import re
import sys

TEXT_PROPS = {"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "UID", "X-WR-CALNAME"}
NAME = re.compile(r"^[A-Za-z0-9-]+$")


def unescape(value, where, problems):
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            nxt = value[i + 1] if i + 1 < len(value) else ""
            if nxt in ("\\", ";", ","):
                out.append(nxt)
            elif nxt in ("n", "N"):
                out.append("\n")
            else:
                problems.append(f"{where}: bad escape \\{nxt}")
            i += 2
            continue
        if c in ";,":
            problems.append(f"{where}: unescaped '{c}' in a TEXT value")
        out.append(c)
        i += 1
    return "".join(out)


def physical_lines(data, problems):
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, raw in enumerate(lines, 1):
        if b"\r" in raw or b"\n" in raw:
            problems.append(f"line {n}: a bare CR or LF")
        if len(raw) > 75:
            problems.append(f"line {n}: {len(raw)} octets (more than 75)")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"line {n}: not whole UTF-8 on its own ({e.reason})")
    return lines


def unfold(lines, problems):
    logical = []
    for n, raw in enumerate(lines, 1):
        if raw[:1] in (b" ", b"\t"):
            if not logical:
                problems.append(f"line {n}: a continuation with nothing before it")
                continue
            logical[-1] = (logical[-1][0], logical[-1][1] + raw[1:])
        else:
            logical.append((n, raw))
    return [(n, raw.decode("utf-8", "replace")) for n, raw in logical]


def parse(n, line, problems):
    # The name and parameters end at the first ':' outside a quoted value.
    quoted, cut = False, -1
    for i, c in enumerate(line):
        if c == '"':
            quoted = not quoted
        elif c == ":" and not quoted:
            cut = i
            break
    if cut < 0:
        problems.append(f"line {n}: no ':' in a content line")
        return None, {}, ""
    head, value = line[:cut], line[cut + 1:]
    parts = head.split(";")
    name = parts[0].upper()
    if not NAME.match(name):
        problems.append(f"line {n}: bad property name {parts[0]!r}")
    params = {}
    for p in parts[1:]:
        if "=" not in p:
            problems.append(f"line {n}: bad parameter {p!r}")
            continue
        k, v = p.split("=", 1)
        params[k.upper()] = v
    return name, params, value


def check_event(ev, uids, problems):
    where = f"VEVENT at line {ev['_line']}"
    for prop in ("UID", "DTSTAMP", "DTSTART"):
        if len(ev.get(prop, [])) != 1:
            problems.append(f"{where}: {len(ev.get(prop, []))} {prop} (exactly one needed)")
    for prop in ("SUMMARY", "DESCRIPTION", "DTEND", "DURATION"):
        if len(ev.get(prop, [])) > 1:
            problems.append(f"{where}: {prop} more than once")
    for _, value in ev.get("DTSTAMP", []):
        if not re.fullmatch(r"\d{8}T\d{6}Z", value):
            problems.append(f"{where}: DTSTAMP {value!r} is not a UTC date-time")
    for params, value in ev.get("DTSTART", []):
        if params.get("VALUE") == "DATE":
            try:
                datetime.datetime.strptime(value, "%Y%m%d")
            except ValueError:
                problems.append(f"{where}: DTSTART {value!r} is not a date")
        elif not re.fullmatch(r"\d{8}T\d{6}Z?", value):
            problems.append(f"{where}: DTSTART {value!r} is not a date-time")
    for _, uid in ev.get("UID", []):
        if uid in uids:
            problems.append(f"{where}: UID {uid} is not unique")
        uids.add(uid)


def check(data):
    problems = []
    lines = unfold(physical_lines(data, problems), problems)
    stack, events, cal, uids = [], [], {}, set()
    for n, line in lines:
        name, params, value = parse(n, line, problems)
        if name is None:
            continue
        if name in TEXT_PROPS:
            value = unescape(value, f"line {n} {name}", problems)
        if name == "BEGIN":
            if not stack and value != "VCALENDAR":
                problems.append(f"line {n}: the object must start with BEGIN:VCALENDAR")
            if stack == ["VCALENDAR"] and value == "VEVENT":
                events.append({"_line": n})
            stack.append(value)
            continue
        if name == "END":
            if not stack or stack[-1] != value:
                problems.append(f"line {n}: END:{value} does not close {stack[-1:] or 'anything'}")
            else:
                stack.pop()
            continue
        if not stack:
            problems.append(f"line {n}: {name} outside the calendar")
        elif stack == ["VCALENDAR"]:
            cal.setdefault(name, []).append(value)
        elif stack == ["VCALENDAR", "VEVENT"]:
            events[-1].setdefault(name, []).append((params, value))
    if stack:
        problems.append(f"unclosed: {', '.join(stack)}")
    if cal.get("VERSION") != ["2.0"]:
        problems.append("the calendar needs exactly one VERSION:2.0")
    if len(cal.get("PRODID", [])) != 1:
        problems.append("the calendar needs exactly one PRODID")
    for ev in events:
        check_event(ev, uids, problems)
    return problems, events


def second_opinion(data, events, problems):
    try:
        import icalendar
    except ImportError:
        print("note: python3 icalendar is not installed; its second opinion is skipped",
              file=sys.stderr)
        return
    cal = icalendar.Calendar.from_ical(data)
    theirs = sorted(str(e.get("UID")) for e in cal.walk("VEVENT"))
    ours = sorted(ev["UID"][0][1] for ev in events if ev.get("UID"))
    if theirs != ours:
        problems.append("icalendar reads other events than this checker")


def main():
    data = open(sys.argv[1], "rb").read()
    problems, events = check(data)
    if not problems:
        second_opinion(data, events, problems)
    for p in problems:
        print(f"{sys.argv[1]}: {p}", file=sys.stderr)
    for ev in events:
        print(json.dumps({k: v[0][1] for k, v in ev.items() if k != "_line"},
                         ensure_ascii=False, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
