"""A minimal ONNX graph evaluator (numpy, with PyTorch kernels for Conv/ConvTranspose).

It walks the exported graph node by node. It covers exactly the operators the torch
exporter emits for InvRescaleNet at opset 17 and fails loudly on anything else. It checks
the graph's wiring and its dynamic-shape arithmetic, independently of the PyTorch module
that produced it and of ONNX Runtime (export.py checks every exported graph with both; the
Java side runs the graphs in ONNX Runtime too).
"""
import numpy as np
import torch
import torch.nn.functional as F
from onnx import numpy_helper, helper


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, at, transpose):
    group = at.get("group", 1)
    strides = list(at.get("strides", [1, 1]))
    pads = list(at.get("pads", [0, 0, 0, 0]))
    dil = list(at.get("dilations", [1, 1]))
    assert pads[0] == pads[2] and pads[1] == pads[3], pads
    assert at.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    xt, wt = torch.from_numpy(np.array(x)), torch.from_numpy(np.array(w))
    bt = torch.from_numpy(np.array(b)) if b is not None else None
    # without NNPACK: it cannot initialise on CPUs it does not know and then warns on every
    # batch-1 convolution (the kernel that runs is PyTorch's native one either way)
    with torch.no_grad(), torch.backends.nnpack.flags(enabled=False):
        if transpose:
            assert not at.get("output_padding") or not any(at["output_padding"])
            y = F.conv_transpose2d(xt, wt, bt, stride=strides, padding=pads[:2], groups=group,
                                   dilation=dil)
        else:
            y = F.conv2d(xt, wt, bt, stride=strides, padding=pads[:2], dilation=dil, groups=group)
    return y.numpy()


def _slice(x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else [int(a) % x.ndim for a in axes]
    steps = [1] * len(starts) if steps is None else list(steps)
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        idx[a] = slice(int(s), int(min(e, np.iinfo(np.int64).max)), int(st))
    return x[tuple(idx)]


def run(model, feeds):
    env = {}
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    env.update({k: np.asarray(v) for k, v in feeds.items()})
    for node in model.graph.node:
        at = _attrs(node)
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            out = numpy_helper.to_array(at["value"])
        elif op == "Identity":
            out = i[0]
        elif op == "Conv":
            out = _conv(i[0], i[1], i[2] if len(i) > 2 else None, at, False)
        elif op == "ConvTranspose":
            out = _conv(i[0], i[1], i[2] if len(i) > 2 else None, at, True)
        elif op == "Concat":
            out = np.concatenate(i, axis=at["axis"])
        elif op == "LeakyRelu":
            a = at.get("alpha", 0.01)
            out = np.where(i[0] >= 0, i[0], i[0] * np.float32(a)).astype(i[0].dtype)
        elif op == "Sigmoid":
            out = (1.0 / (1.0 + np.exp(-i[0].astype(np.float64)))).astype(i[0].dtype)
        elif op == "Exp":
            out = np.exp(i[0])
        elif op in ("Add", "Sub", "Mul", "Div"):
            a, b = i
            if op == "Div" and np.issubdtype(a.dtype, np.integer):
                out = np.trunc(a / b).astype(a.dtype)
            else:
                out = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
                       "Div": np.divide}[op](a, b).astype(np.result_type(a, b))
        elif op == "Shape":
            out = np.array(i[0].shape, dtype=np.int64)
        elif op == "Gather":
            out = np.take(i[0], i[1], axis=at.get("axis", 0))
        elif op == "Unsqueeze":
            out = i[0]
            for ax in sorted(int(a) for a in i[1]):
                out = np.expand_dims(out, ax)
        elif op == "Cast":
            to = helper.tensor_dtype_to_np_dtype(at["to"])
            out = i[0].astype(to)
        elif op == "Reshape":
            shape = [int(s) for s in i[1]]
            shape = [i[0].shape[k] if s == 0 else s for k, s in enumerate(shape)]
            out = i[0].reshape(shape)
        elif op == "Transpose":
            out = np.transpose(i[0], at.get("perm"))
        elif op == "Slice":
            out = _slice(i[0], i[1], i[2], i[3] if len(i) > 3 else None,
                         i[4] if len(i) > 4 else None)
        elif op == "ConstantOfShape":
            v = numpy_helper.to_array(at["value"]) if "value" in at else np.zeros(1, np.float32)
            out = np.full([int(s) for s in i[0]], v.reshape(-1)[0], dtype=v.dtype)
        elif op == "Expand":
            shape = np.broadcast_shapes(i[0].shape, tuple(int(s) for s in i[1]))
            out = np.broadcast_to(i[0], shape).copy()
        elif op == "Tile":
            out = np.tile(i[0], [int(r) for r in i[1]])
        elif op == "Squeeze":
            out = np.squeeze(i[0], axis=tuple(int(a) for a in i[1]) if len(i) > 1 else None)
        else:
            raise NotImplementedError(f"onnx_eval: operator {op} not supported")
        assert len(node.output) == 1, node
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output]
