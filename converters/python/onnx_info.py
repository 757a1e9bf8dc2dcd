#!/usr/bin/env python3
"""Print an ONNX model's interface and metadata as one JSON object (used by `signzoo check onnx`).

    onnx_info.py MODEL.onnx

{"opset": {"ai.onnx": 17}, "ir_version": 8, "metadata": {...},
 "inputs": [{"name", "type", "shape"}], "outputs": [...]}; shape entries are ints or dim names.
"""
import json
import sys

import onnx


def value_info(v):
    t = v.type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else d.dim_param for d in t.shape.dim]
    return {"name": v.name, "type": onnx.TensorProto.DataType.Name(t.elem_type).lower(), "shape": dims}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    model = onnx.load(argv[0], load_external_data=False)
    print(json.dumps({
        "opset": {o.domain or "ai.onnx": o.version for o in model.opset_import},
        "ir_version": model.ir_version,
        "metadata": {p.key: p.value for p in model.metadata_props},
        "inputs": [value_info(v) for v in model.graph.input],
        "outputs": [value_info(v) for v in model.graph.output],
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
