"""Ground truth for the C++ torch.save reader, from PyTorch itself.

  pth_reader_peer.py write DIR   writes the test files into DIR and, per file, what torch.load sees
  pth_reader_peer.py dump FILE OUT   what torch.load sees in FILE (pickled models.* classes stubbed)

"What torch.load sees" is OUT.json, a list of {name, dtype, shape, offset, nbytes} in state_dict
order, and OUT.bin, the contiguous bytes of every tensor at those offsets. Exits 3 when torch is
missing, so the caller can skip.
"""
import collections
import json
import os
import pickle
import struct
import sys
import types
import zipfile

try:
    import torch
except Exception as e:  # noqa: BLE001
    print(f"cannot import torch: {e}", file=sys.stderr)
    sys.exit(3)

ENTRIES = ("ema", "model", "state_dict", "model_state_dict", "net")


class StubUnpickler(pickle.Unpickler):
    """Resolves classes of code that is not installed (Ultralytics' models.*) to empty modules."""
    stubs = {}

    def find_class(self, module, name):
        if module == "models" or module.startswith("models."):
            key = module + "." + name
            if key not in self.stubs:
                self.stubs[key] = type(name, (torch.nn.Module,), {"__module__": module})
            return self.stubs[key]
        return super().find_class(module, name)


# torch 1.13's load() replaces any pickle_module by the pickle module it imported, so the stubbing
# unpickler goes in through that name.
STUB_PICKLE = types.ModuleType("pickle")
STUB_PICKLE.__dict__.update(pickle.__dict__)
STUB_PICKLE.Unpickler = StubUnpickler
torch.serialization.pickle = STUB_PICKLE


def weights_of(obj):
    """The same entry choice as the C++ reader, as a name -> tensor mapping."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if all(isinstance(v, torch.Tensor) for v in obj.values()):
        return obj
    for key in ENTRIES:
        if obj.get(key) is not None:
            return weights_of(obj[key])
    raise SystemExit("no weights entry")


def dump(path, out):
    obj = torch.load(path, map_location="cpu", pickle_module=STUB_PICKLE)
    index, offset = [], 0
    with open(out + ".bin", "wb") as bin_file:
        for name, t in weights_of(obj).items():
            data = t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
            index.append({"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                          "offset": offset, "nbytes": len(data)})
            bin_file.write(data)
            offset += len(data)
    with open(out + ".json", "w") as f:
        json.dump(index, f)


class Unknown:
    """A class the C++ reader has never heard of."""
    def __init__(self):
        self.weights = torch.ones(2)


class Net(torch.nn.Module):
    """A module with the corners state_dict() has: None parameter, non-persistent buffer, None child."""
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU())
        self.head = torch.nn.Linear(4, 2)
        self.register_parameter("nothing", None)
        self.register_buffer("scale", torch.tensor([2.0, 3.0]))
        self.register_buffer("scratch", torch.zeros(3), persistent=False)
        self.missing = None
        self.add_module("absent", None)


def tensors():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(4, 6, generator=g)
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(2, 3, generator=g)
    sd["f16"] = torch.randn(5, generator=g).half()
    sd["bf16"] = torch.randn(3, 2, generator=g).bfloat16()
    sd["f64"] = torch.randn(4, generator=g).double()
    sd["i64"] = torch.arange(-3, 4, dtype=torch.int64)
    sd["i32"] = torch.arange(7, dtype=torch.int32) * -5
    sd["u8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
    sd["i8"] = torch.tensor([-128, 5, 127], dtype=torch.int8)
    sd["boolean"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(7.5)
    sd["empty"] = torch.zeros(0, 3)
    sd["base"] = base
    sd["transposed"] = base.t()
    sd["slice"] = base[1:, 2:5]
    sd["flat_part"] = base.view(-1)[3:9]
    return sd


def rewrite_zip(src, dst, rename=None, compress=False):
    """Copies a zip archive entry by entry, optionally changing data.pkl or compressing."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if rename and item.filename.endswith("/data.pkl"):
                data = rename(data)
            zout.writestr(item.filename, data)


def to_cuda(pickle_bytes):
    """Tags every storage cuda:0: the BINUNICODE 'cpu' location becomes 'cuda:0' (length prefix included)."""
    old, new = b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0"
    assert old in pickle_bytes
    return pickle_bytes.replace(old, new)


def handmade(path, numel, sizes, strides, data):
    """A zip torch file whose data.pkl is written opcode by opcode: {"w": tensor(sizes, strides)}
    over one float storage that claims `numel` elements and holds `data`."""
    def text(s):
        b = s.encode()
        return b"X" + struct.pack("<I", len(b)) + b

    def ints(values):
        return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"

    pkl = (b"\x80\x02}" + text("w") + b"ctorch._utils\n_rebuild_tensor_v2\n(("
           + text("storage") + b"ctorch\nFloatStorage\n" + text("0") + text("cpu")
           + b"\x8a\x08" + struct.pack("<q", numel) + b"tQ" + b"K\x00" + ints(sizes) + ints(strides)
           + b"\x89ccollections\nOrderedDict\n)Rt" + b"Rs.")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/data/0", data)
        z.writestr("archive/version", "3\n")


def write(folder):
    sd = tensors()
    files = {}

    def save(name, obj, **kw):
        path = os.path.join(folder, name)
        torch.save(obj, path, **kw)
        return path

    files["zip_dtypes"] = save("zip_dtypes.pth", sd)
    files["legacy_dtypes"] = save("legacy_dtypes.pth", sd, _use_new_zipfile_serialization=False)
    files["checkpoint"] = save("checkpoint.pth", {"model": sd, "epoch": 3, "optimizer": {"state": {}, "param_groups": [{"lr": 0.1}]}})
    files["legacy_checkpoint"] = save("legacy_checkpoint.pth", {"epoch": 1, "state_dict": sd}, _use_new_zipfile_serialization=False)
    torch.manual_seed(0)
    files["module"] = save("module.pth", Net())
    files["legacy_module"] = save("legacy_module.pth", Net(), _use_new_zipfile_serialization=False)
    files["zip_cuda"] = os.path.join(folder, "zip_cuda.pth")
    rewrite_zip(files["zip_dtypes"], files["zip_cuda"], rename=to_cuda)
    files["legacy_cuda"] = os.path.join(folder, "legacy_cuda.pth")
    with open(files["legacy_dtypes"], "rb") as f, open(files["legacy_cuda"], "wb") as g:
        g.write(to_cuda(f.read()))
    for name, path in files.items():
        dump(path, os.path.join(folder, name))
    # Files that must be refused (no ground truth).
    rewrite_zip(files["zip_dtypes"], os.path.join(folder, "compressed.pth"), compress=True)
    save("unknown_class.pth", {"model": Unknown()})
    four = struct.pack("<4f", 1, 2, 3, 4)
    handmade(os.path.join(folder, "handmade_ok.pth"), 4, [2, 2], [1, 2], four)
    handmade(os.path.join(folder, "absurd_numel.pth"), 1 << 60, [2], [1], four)
    handmade(os.path.join(folder, "absurd_view.pth"), 4, [1000, 3], [3, 1], four)
    handmade(os.path.join(folder, "short_storage.pth"), 40, [4], [1], four)
    handmade(os.path.join(folder, "negative_size.pth"), 4, [-1], [1], four)
    save("small.pth", {"a": torch.arange(4, dtype=torch.float32), "b": torch.ones(2, 2).t()})
    save("legacy_small.pth", {"a": torch.arange(4, dtype=torch.float32)}, _use_new_zipfile_serialization=False)
    with open(os.path.join(folder, "index.json"), "w") as f:
        json.dump(files, f)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        dump(sys.argv[2], sys.argv[3])
