"""Rewrite an exported IRN graph so that every dense-block convolution reads a multiple of 16 channels.

Why: ONNX Runtime's profile (docs/BENCHMARKS.md) shows the dense blocks' 3x3 convolutions reading 19, 35, 51 or 67
channels (the block input, 3 or 9 channels, plus 16 per growth step) at 7-10% of the cores' peak: channel counts
that are not a multiple of the vector width keep MLAS off its NCHWc (blocked) kernels. Here each dense block's input
is zero-padded to a multiple of 16 channels before it enters the block's concatenations, and each convolution reading a
concatenation gets zero weights for the padding, so the function is unchanged (zeros times weights add exactly 0);
optionally the block's last convolution also gets zero output channels up to 16, sliced off after it.

Nothing is retrained and the weights are the same: an export-time layout change, for the next models.

    python -m models.train.pad_channels models/irn-x2-small/up.onnx /tmp/up-padded.onnx [--pad-outputs]
"""

import argparse

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
    block_inputs = {}
    for n in g.node:
        if n.op_type == "Concat" and any(c.op_type == "Conv" for c in consumers.get(n.output[0], [])):
            block_inputs.setdefault(n.input[0], []).append(n)

    new_nodes, added_inits = [], []
    padded_name = {}
    for x, concats in block_inputs.items():
        # channels of x: the input-channel count of the conv reading x directly (conv1 of the block)
        conv1 = next(c for c in consumers[x] if c.op_type == "Conv")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--pad-outputs", action="store_true",
                        help="also pad each block's last convolution to 16 outputs and slice them off")
    args = parser.parse_args()
    model = pad_graph(onnx.load(args.src), args.pad_outputs)
    onnx.save(model, args.dst)
    print("wrote", args.dst)


if __name__ == "__main__":
    main()
