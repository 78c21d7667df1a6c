"""Rewrite an exported IRN graph so that every dense-block convolution reads a multiple of 16 channels.

Why: ONNX Runtime's profile (docs/BENCHMARKS.md) shows the dense blocks' 3x3 convolutions reading 19, 35, 51 or 67
channels (the block input, 3 or 9 channels, plus 16 per growth step) at 7-10% of the cores' peak: channel counts
that are not a multiple of the vector width keep MLAS off its NCHWc (blocked) kernels. Here each dense block's input
is zero-padded to a multiple of 16 channels before it enters the block's concatenations, and each convolution reading a
concatenation gets zero weights for the padding, so the function is unchanged (zeros times weights add exactly 0);
optionally the block's last convolution also gets zero output channels up to 16, sliced off after it.

Nothing is retrained and the weights are the same: an export-time layout change, for the next models.

    python -m models.train.pad_channels models/irn-x2-small/up.onnx /tmp/up-padded.onnx [--pad-outputs]
    python -m models.train.pad_channels --pack models/irn-x2-small [--image models/eval/RainDrops.png]

`--pack` rewrites a shipped pack's down.onnx and up.onnx in place (outputs padded too) after checking, on a photo
through ONNX Runtime, that the padded graphs give the same 8-bit images within one level; model.json then names the
new hashes and keeps the old ones under `same_function_as`, so that assets stored by the unpadded graphs (whose
metadata names the old up.onnx) and the gradient graphs made from them stay served by this pack.
"""

import argparse
import json
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

BLOCK = 16


def pad_graph(model: onnx.ModelProto, pad_outputs: bool) -> onnx.ModelProto:
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    # A dense block's concatenations all start with the block input x; find each x that starts a Concat feeding a Conv.
    # (The Haar transform is a grouped convolution, also reading a Concat between levels in x4's down.onnx: not a
    # dense block, so left alone.)
    def grouped(conv):
        return any(a.name == "group" and a.i != 1 for a in conv.attribute)

    block_inputs = {}
    for n in g.node:
        convs = [c for c in consumers.get(n.output[0], []) if c.op_type == "Conv"]
        if n.op_type == "Concat" and convs and not any(grouped(c) for c in convs):
            block_inputs.setdefault(n.input[0], []).append(n)

    new_nodes, added_inits = [], []
    padded_name = {}
    for x, concats in block_inputs.items():
        # channels of x: the input-channel count of the conv reading x directly (conv1 of the block). A Concat whose
        # first input no Conv reads is not a block's growth: the arbitrary-scale family's cat(x, scale maps) makes
        # the block input, which the next Concat is keyed by.
        conv1 = next((c for c in consumers[x] if c.op_type == "Conv"), None)
        if conv1 is None:
            continue
        channels = numpy_helper.to_array(inits[conv1.input[1]]).shape[1]
        if channels % BLOCK == 0:
            continue
        target = -(-channels // BLOCK) * BLOCK  # the next multiple of BLOCK
        name = x + "_pad16"
        # a 1x1 convolution copying x into the first channels of 16 (identity weights, zero elsewhere): unlike a Pad
        # it runs in ORT's NCHWc layout, so the block's concatenations can stay in it
        eye = np.zeros((target, channels, 1, 1), dtype=np.float32)
        eye[np.arange(channels), np.arange(channels), 0, 0] = 1
        weights = numpy_helper.from_array(eye, name + "_w")
        bias = numpy_helper.from_array(np.zeros(target, dtype=np.float32), name + "_b")
        added_inits.extend([weights, bias])
        new_nodes.append((concats[0], helper.make_node("Conv", [x, weights.name, bias.name], [name], name=name,
                                                       kernel_shape=[1, 1])))
        padded_name[x] = (name, channels)
        for concat in concats:
            concat.input[0] = name
            for conv in consumers[concat.output[0]]:
                if conv.op_type != "Conv":
                    continue
                w = numpy_helper.to_array(inits[conv.input[1]])
                zeros = np.zeros((w.shape[0], target - channels) + w.shape[2:], dtype=w.dtype)
                padded = np.concatenate([w[:, :channels], zeros, w[:, channels:]], axis=1)
                inits[conv.input[1]].CopyFrom(numpy_helper.from_array(padded, conv.input[1]))
                if pad_outputs and padded.shape[0] % BLOCK != 0:
                    _pad_conv_outputs(g, conv, inits, added_inits, new_nodes)

    g.initializer.extend(added_inits)
    # insert each new node right before the first node that uses its output, keeping the graph topologically sorted
    order = list(g.node)
    for before, node in new_nodes:
        order.insert(order.index(before), node)
    del g.node[:]
    g.node.extend(order)
    onnx.checker.check_model(model)
    return model


def _pad_conv_outputs(g, conv, inits, added_inits, new_nodes):
    w = numpy_helper.to_array(inits[conv.input[1]])
    b = numpy_helper.to_array(inits[conv.input[2]])
    out = w.shape[0]
    extra = BLOCK - out % BLOCK
    inits[conv.input[1]].CopyFrom(numpy_helper.from_array(
        np.concatenate([w, np.zeros((extra,) + w.shape[1:], dtype=w.dtype)]), conv.input[1]))
    inits[conv.input[2]].CopyFrom(numpy_helper.from_array(
        np.concatenate([b, np.zeros(extra, dtype=b.dtype)]), conv.input[2]))
    original = conv.output[0]
    wide = original + "_wide16"
    conv.output[0] = wide
    names = [original + s for s in ("_starts", "_ends", "_axes")]
    for name, value in zip(names, ([0], [out], [1])):
        added_inits.append(numpy_helper.from_array(np.array(value, dtype=np.int64), name))
    slice_node = helper.make_node("Slice", [wide] + names, [original], name=original + "_slice")
    # placed after the conv: before the first node after it in the graph
    nodes = list(g.node)
    new_nodes.append((nodes[nodes.index(conv) + 1], slice_node))


def _to_u8(x):
    return (np.clip(x, 0, 1) * 255).round().astype(np.uint8)


def pad_pack(pack, image):
    """Pads the pack's two graphs in place and records it in model.json; refuses if an 8-bit output moves by more
    than one level or the pack is padded already. Returns the check's numbers."""
    from PIL import Image
    from . import export
    card_path = os.path.join(pack, "model.json")
    with open(card_path) as f:
        card = json.load(f)
    if card.get("layout", {}).get("padded_to") == BLOCK:
        raise SystemExit(pack + " is padded already")
    scale = card.get("scale", card.get("architecture", {}).get("core_scale"))
    hr = np.asarray(Image.open(image).convert("RGB"))
    h, w = (hr.shape[0] // 64) * 64 // 2, (hr.shape[1] // 64) * 64 // 2  # a centre crop, sides multiples of 32
    y0, x0 = (hr.shape[0] - h) // 2, (hr.shape[1] - w) // 2
    hr = np.ascontiguousarray(hr[y0:y0 + h, x0:x0 + w]).transpose(2, 0, 1)[None].astype(np.float32) / 255
    # The arbitrary-scale family's graphs also take the scale they condition on: an asymmetric one checks both maps.
    conditioning = ({"scale": np.array([[2.5, 3.0]], np.float32)}
                    if card.get("architecture", {}).get("family") == "iarn" else {})
    report = {}
    for graph in ("down", "up"):
        path = os.path.join(pack, graph + ".onnx")
        padded = path + ".padded"
        onnx.save(pad_graph(onnx.load(path), True), padded)
        if graph == "down":
            feeds = {"hr": hr, **conditioning}
        else:
            lr = export.ort_run(os.path.join(pack, "down.onnx"), {"hr": hr, **conditioning})[0]
            feeds = {"lr": _to_u8(lr).astype(np.float32) / 255, **conditioning}
        before, after = export.ort_run(path, feeds)[0], export.ort_run(padded, feeds)[0]
        levels = int(np.abs(_to_u8(before).astype(int) - _to_u8(after).astype(int)).max())
        if levels > 1:
            os.remove(padded)
            raise SystemExit(f"{path}: padded output differs by {levels} levels")
        old = export.sha256(path)
        os.replace(padded, path)
        node = card["onnx"][graph]
        node["same_function_as"] = sorted(set(node.get("same_function_as", [])) | {old})
        node["sha256"] = export.sha256(path)
        report[graph] = {"max_abs_diff": float(np.abs(before - after).max()), "max_levels_8bit": levels,
                         "pixels_differing_8bit": int((_to_u8(before) != _to_u8(after)).any(axis=1).sum())}
    card["layout"] = {"padded_to": BLOCK, "tool": "models/train/pad_channels.py --pack",
                      "why": "every dense-block convolution reads and writes a multiple of 16 channels, so ONNX "
                             "Runtime runs it on its blocked (NCHWc) kernels; zero weights, the same function",
                      "check": dict(report, image=os.path.basename(image), crop=[w, h], scale=scale,
                                    **({"conditioning_scale": conditioning["scale"][0].tolist()} if conditioning
                                       else {}))}
    with open(card_path, "w") as f:
        json.dump(card, f, indent=1)
        f.write("\n")
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?")
    parser.add_argument("dst", nargs="?")
    parser.add_argument("--pad-outputs", action="store_true",
                        help="also pad each block's last convolution to 16 outputs and slice them off")
    parser.add_argument("--pack", help="pad this pack's down.onnx and up.onnx in place (see above)")
    parser.add_argument("--image", default=os.path.join(os.path.dirname(__file__), "..", "eval", "RainDrops.png"))
    args = parser.parse_args()
    if args.pack:
        print(json.dumps(pad_pack(args.pack, args.image), indent=1))
        return
    model = pad_graph(onnx.load(args.src), args.pad_outputs)
    onnx.save(model, args.dst)
    print("wrote", args.dst)


if __name__ == "__main__":
    main()
