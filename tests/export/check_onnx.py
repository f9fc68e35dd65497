"""Checks exported ONNX files with the onnx package (Debian's python3-onnx): the full checker,
strict shape inference, and that every declared output shape is the inferred one.
Exit 3 when the onnx package is unavailable, 1 when a check fails."""
import sys

try:
    import onnx
    from onnx import shape_inference
except ImportError as e:  # the test skips, naming this
    print(f"python3-onnx is unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


status = 0
for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    known = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for out in model.graph.output:
        got, want = dims(known[out.name]), dims(out)
        # A declared size must be the inferred one; a symbolic one (batch, a detection count) must
        # not be inferred as a fixed size unless the file fixes the batch.
        agree = len(got) == len(want) and all(
            (g == w) if isinstance(w, int) else (not isinstance(g, int) or g == 0) for g, w in zip(got, want))
        if not agree:
            print(f"{path}: output {out.name}: declared {want}, inferred {got}", file=sys.stderr)
            status = 1
    meta = sorted(p.key for p in model.metadata_props)
    print(f"{path}: ok, opset {model.opset_import[0].version}, {len(model.graph.node)} nodes, metadata {meta}")
sys.exit(status)
