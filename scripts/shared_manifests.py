#!/usr/bin/env python3
"""Corpus manifests (JSONL, one clip per line) over the shared real pose data (../shared/data).

    scripts/shared_manifests.py [--shared ../shared/data] -o OUT_DIR

writes
  OUT_DIR/pretrain-shared.jsonl   pre-training corpus: the 198 unlabelled clips (split train), the 32
                                  DGS Corpus sentences with their English translation as text
                                  (upstream split: train_* → train, test_* → dev), and the
                                  fingerspelling-dev clips of the fine-tuning *train* split below
                                  (their fine-tuning test part is left out of pre-training).
                                  The 16 captioned DGS train sentences are listed --repeat-text
                                  times (ids suffixed "#2", "#3", …) so that most batches of 16
                                  hold several captioned clips for the contrastive task (only 16 of
                                  ~300 clips have text otherwise).
  OUT_DIR/dgs-sentences.jsonl     the 32 DGS sentences, all in split "dev" (the 32-sentence gallery).
  OUT_DIR/dgs-retrieval.jsonl     the 32 DGS sentences in the upstream split (16 train / 16 dev), for
                                  fine-tuning and scoring a retrieval head.
  OUT_DIR/fingerspelling-langid.jsonl
                                  sign-language identification (label gss / jos / ukl) on
                                  fingerspelling-dev, holding out whole letters: within each
                                  language, every third letter (in labels.csv order, starting with
                                  the 3rd) is test, the rest train. Each letter has exactly one
                                  clip by one signer per language, so no split can hold out a
                                  signer and still test letters the classifier was trained on;
                                  holding out letters is the nearest honest split (the signer
                                  stays a confound: one signer per language).
Paths in the manifests are absolute, so the files can live anywhere.
"""
import argparse, csv, json, os

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("SIGNZOO_SHARED_DATA", os.path.join(here, "..", "..", "shared", "data")))
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--repeat-text", type=int, default=8, help="times each captioned train sentence is listed in pretrain-shared.jsonl")
    args = ap.parse_args()
    root = os.path.abspath(args.shared)
    if not os.path.isdir(root):
        raise SystemExit(f"shared data folder not found: {root} (pass --shared or set SIGNZOO_SHARED_DATA)")
    os.makedirs(args.out, exist_ok=True)

    dgs_dir = os.path.join(root, "fixtures", "dgs-corpus-sentences")
    dgs = []
    for name in sorted(os.listdir(dgs_dir)):
        if not name.endswith("_metadata.json"):
            continue
        stem = name[: -len("_metadata.json")]
        meta = json.load(open(os.path.join(dgs_dir, name), encoding="utf-8"))
        sentence = meta["sentence"]
        dgs.append({"id": "dgs-" + stem, "pose": os.path.join(dgs_dir, stem + "_original.pose"),
                    "text": sentence["english"].strip(), "language": "gsg",
                    "glosses": sentence.get("glosses", {}).get("gloss", []),
                    "split": "train" if stem.startswith("train_") else "dev"})

    fs_dir = os.path.join(root, "fingerspelling-dev")
    fingerspelling, seen = [], {}
    with open(os.path.join(fs_dir, "labels.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lang = row["signed_language"]
            seen[lang] = seen.get(lang, 0) + 1
            split = "test" if seen[lang] % 3 == 0 else "train"
            stem = os.path.splitext(os.path.basename(row["path"]))[0]
            fingerspelling.append({"id": f"fs-{lang}-{stem}", "pose": os.path.join(fs_dir, row["path"]),
                                   "label": lang, "language": lang, "split": split})

    unlabelled_dir = os.path.join(root, "unlabelled")
    unlabelled = []
    with open(os.path.join(unlabelled_dir, "manifest.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            stem = os.path.splitext(os.path.basename(row["path"]))[0]
            unlabelled.append({"id": "unl-" + stem, "pose": os.path.join(unlabelled_dir, row["path"]), "split": "train"})

    def write(name, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{os.path.join(args.out, name)}: {len(rows)} clips")

    pretrain_fs = [dict((k, v) for k, v in r.items() if k != "label") for r in fingerspelling if r["split"] == "train"]
    repeated = [dict(r, id=f"{r['id']}#{k}") for r in dgs if r["split"] == "train" for k in range(2, args.repeat_text + 1)]
    write("pretrain-shared.jsonl", unlabelled + dgs + repeated + pretrain_fs)
    write("dgs-sentences.jsonl", [dict(r, split="dev") for r in dgs])
    write("dgs-retrieval.jsonl", dgs)
    write("fingerspelling-langid.jsonl", fingerspelling)

if __name__ == "__main__":
    main()
