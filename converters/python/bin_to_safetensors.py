#!/usr/bin/env python3
"""Converts a Hugging Face folder's pytorch_model.bin into model.safetensors beside it, once:

    python3 converters/python/bin_to_safetensors.py MODEL_FOLDER

`text/bert` reads only safetensors (a pickle can run code on load). Needs torch and safetensors.
Tensors are written as stored (shared storage is copied, so tied weights become separate tensors);
the file gets `__metadata__` {"format": "pt"} like Hugging Face's own conversions.
"""
import os
import sys

import torch
from safetensors.torch import save_file


def main(folder):
    src = os.path.join(folder, "pytorch_model.bin")
    dst = os.path.join(folder, "model.safetensors")
    if os.path.exists(dst):
        sys.exit(f"{dst} exists already; nothing to do")
    if not os.path.exists(src):
        sys.exit(f"{folder} has no pytorch_model.bin")
    state = torch.load(src, map_location="cpu", weights_only=True)
    tensors = {k: v.detach().contiguous().clone() for k, v in state.items()}
    tmp = dst + ".tmp"
    save_file(tensors, tmp, metadata={"format": "pt"})
    os.replace(tmp, dst)
    print(f"wrote {dst}: {len(tensors)} tensors")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
