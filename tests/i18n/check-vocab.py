#!/usr/bin/env python3
"""Fails when a vocabulary in data/vocab.json lacks a label a reader needs.

Every vocabulary has a label in kk, ru and en; every term has a code that is
unique in its vocabulary, non-empty kk, ru and en labels, and a parent (if
any) defined earlier in the same vocabulary.  Kazakh and Russian labels are
never ASCII-only, which catches an English label pasted in as a placeholder.
Prints one line per problem.

Usage: check-vocab.py SOURCE_ROOT
"""
import json
import sys
from pathlib import Path

LANGS = ("kk", "ru", "en")


def no_duplicate_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def label_problems(labels, where):
    if not isinstance(labels, dict):
        return [f"{where}: no labels"]
    problems = []
    for lang in LANGS:
        text = labels.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: no {lang} label")
        elif lang != "en" and text.isascii():
            problems.append(f"{where}: {lang} label {text!r} is ASCII only")
    return problems


def vocabulary_problems(name, vocab):
    where = f"vocabulary {name}"
    if not isinstance(vocab, dict):
        return [f"{where}: not an object"]
    problems = label_problems(vocab.get("label"), where)
    terms = vocab.get("terms")
    if not isinstance(terms, list) or not terms:
        return problems + [f"{where}: no terms"]
    seen = set()
    for i, term in enumerate(terms):
        if not isinstance(term, dict):
            problems.append(f"{where}: term #{i + 1} is not an object")
            continue
        code = term.get("code")
        if not isinstance(code, str) or not code:
            problems.append(f"{where}: term #{i + 1} has no code")
            continue
        here = f"{where}, term {code}"
        if code in seen:
            problems.append(f"{here}: code used twice")
        problems += label_problems(term, here)
        parent = term.get("parent")
        if parent is not None and parent not in seen:
            problems.append(f"{here}: parent {parent!r} is not an earlier term")
        seen.add(code)
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    path = Path(argv[1]) / "data" / "vocab.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"),
                          object_pairs_hook=no_duplicate_keys)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        return 1
    vocabs = data.get("vocabularies") if isinstance(data, dict) else None
    if not isinstance(vocabs, dict) or not vocabs:
        print(f"{path}: no vocabularies")
        return 1
    problems = []
    for name, vocab in vocabs.items():
        problems += vocabulary_problems(name, vocab)
    for p in problems:
        print(f"{path}: {p}")
    if problems:
        return 1
    terms = sum(len(v["terms"]) for v in vocabs.values())
    print(f"vocab: {len(vocabs)} vocabularies, {terms} terms, all labelled in kk, ru, en")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
