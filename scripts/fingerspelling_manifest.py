#!/usr/bin/env python3
"""Manifest for fine-tuning ISLR on fingerspelling-dev (used by scripts/demo).

fingerspelling-dev/labels.csv has one clip per letter (path, signed_language, spoken_language, letter).
Two clips per sign language are held out (the clips at 1/3 and 2/3 of that language's rows, so never
Greek O or PHI, whose clips hold more than one letter); the rest go to manifest.jsonl (split "train",
label = letter, language = sign language, pose = absolute path). Because every letter has a single
clip, a held-out clip's letter is a class the model never saw: its prediction can only be a trained
letter, and what can be checked on it is whether that letter is of the same sign language.

Usage: fingerspelling_manifest.py FINGERSPELLING_DIR OUT_DIR
Writes OUT_DIR/manifest.jsonl and OUT_DIR/held-out.tsv (absolute pose path, letter, sign language).

       fingerspelling_manifest.py --report FINGERSPELLING_DIR OUT_DIR
Reads OUT_DIR/held-out-predictions.txt (`signzoo predict` output for the held-out clips) and prints,
per clip, the true letter and the top-1 letter with their sign languages, then how many top-1 letters
are of the clip's sign language.
"""
import csv
import json
import os
import sys


def main(root: str, out: str) -> None:
    root = os.path.abspath(root)
    with open(os.path.join(root, "labels.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_language: dict[str, list[dict]] = {}
    for r in rows:
        by_language.setdefault(r["signed_language"], []).append(r)
    held = set()
    for language in sorted(by_language):
        rs = by_language[language]
        held |= {rs[len(rs) // 3]["path"], rs[2 * len(rs) // 3]["path"]}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "manifest.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            if r["path"] not in held:
                f.write(json.dumps({"id": r["path"], "pose": os.path.join(root, r["path"]), "label": r["letter"],
                                    "language": r["signed_language"], "split": "train"}, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "held-out.tsv"), "w", encoding="utf-8") as f:
        for r in rows:
            if r["path"] in held:
                f.write("\t".join([os.path.join(root, r["path"]), r["letter"], r["signed_language"]]) + "\n")
    print(f"fingerspelling-dev: {len(rows) - len(held)} training clips ({len(by_language)} sign languages), "
          f"{len(held)} held out -> {out}/manifest.jsonl")


def report(root: str, out: str) -> None:
    with open(os.path.join(root, "labels.csv"), encoding="utf-8", newline="") as f:
        language = {r["letter"]: r["signed_language"] for r in csv.DictReader(f)}
    with open(os.path.join(out, "held-out.tsv"), encoding="utf-8") as f:
        held = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    predicted = {}
    with open(os.path.join(out, "held-out-predictions.txt"), encoding="utf-8") as f:
        for line in f:
            if ": " in line:
                path, classes = line.rstrip("\n").split(": ", 1)
                predicted[path] = classes.split(", ")[0].rsplit(" ", 1)[0]   # "Я 0.106, Ґ 0.093" -> "Я"
    same = 0
    for path, letter, lang in held:
        top = predicted[path]
        same += language[top] == lang
        name = os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))
        print(f"  {name}: true letter {letter} ({lang}), top-1 {top} ({language[top]})")
    print(f"  top-1 letter of the clip's sign language: {same} of {len(held)}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--report":
        report(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
