#!/usr/bin/python3
"""Peer benchmark (issue 14): the typical alternative to onnx-inspect, side by side with the project's benchmark.

The peer is what a user would write without this library: the ONNX model rebuilt in PyTorch (torch.nn modules
whose weights are the ONNX file's initializers), a forward hook on every ReLU that copies its output to numpy, and
numpy S1/S2 class-wise counts (SPEC section 1-2: S1 = a > tau with tau = 0; S2 = the neurons down to the first
ratio a_(k) / a_(k+1) > eps = 1000 of the descending values, ties at the cut included). It runs on the same weights
and data (exported by dev.onnxinspect.samples.bench.PeerExport: the instrumented ONNX file of InspectionBenchmark's
Xavier-initialised MLP and LeNet-like CNN and Fashion-MNIST test as the library reads it), at the same batch size
(the inspection's automatic one), cycling over the same test set.

Steps: (1) check: the peer's S1 and S2 counts over the first --check-samples samples against the library's
(exported by PeerExport); any difference above 1 (SPEC preamble: across runtimes, +-1 on counts) fails the run;
(2) rounds: every round runs, alternately, the project's benchmark (InspectionBenchmark in its own JVM, (b) =
full inspection, for each ONNX Runtime thread setting) and the peer (in its own process, for each torch/BLAS
thread setting); each side's figure for the round is its best setting; the ratio is taken per round.

Run it through scripts/bench-peer.sh; `--worker` mode (internal) times the peer in one thread setting.
Needs Debian's python3-torch, python3-onnx and python3-numpy under /usr/bin/python3.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

EPS = 1000.0
TAU = 0.0


def load_model(path):
    """The ONNX graph as a torch.nn.Sequential; the names of its ReLU modules are the ONNX Relu outputs."""
    import onnx
    import torch
    from onnx import numpy_helper

    model = onnx.load(path)
    graph = model.graph
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    modules = []
    relu_names = []
    current = graph.input[0].name
    for node in graph.node:
        data_inputs = [i for i in node.input if i and i not in weights]
        if node.op_type in ("Constant",):
            raise SystemExit(f"bench_peer: unsupported constant node {node.name}")
        if len(data_inputs) != 1 or data_inputs[0] != current:
            raise SystemExit(f"bench_peer: {path} is not a chain of layers at node {node.name} ({node.op_type})")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        op = node.op_type
        if op == "Gemm":
            w = weights[node.input[1]]
            if attrs.get("transB", 0) != 1:
                w = w.t()
            if attrs.get("transA", 0) != 0 or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
                raise SystemExit(f"bench_peer: unsupported Gemm attributes {attrs}")
            m = torch.nn.Linear(w.shape[1], w.shape[0], bias=len(node.input) > 2)
            m.weight.data = w.contiguous()
            if len(node.input) > 2:
                m.bias.data = weights[node.input[2]].reshape(-1)
        elif op == "Conv":
            w = weights[node.input[1]]
            pads = attrs.get("pads", [0, 0, 0, 0])
            if pads[0] != pads[2] or pads[1] != pads[3] or attrs.get("group", 1) != 1:
                raise SystemExit(f"bench_peer: unsupported Conv attributes {attrs}")
            m = torch.nn.Conv2d(
                w.shape[1], w.shape[0], tuple(w.shape[2:]), stride=tuple(attrs.get("strides", [1, 1])),
                padding=(pads[0], pads[1]), bias=len(node.input) > 2)
            m.weight.data = w.contiguous()
            if len(node.input) > 2:
                m.bias.data = weights[node.input[2]]
        elif op == "Relu":
            m = torch.nn.ReLU()
            relu_names.append(node.output[0])
        elif op == "MaxPool":
            pads = attrs.get("pads", [0, 0, 0, 0])
            m = torch.nn.MaxPool2d(tuple(attrs["kernel_shape"]), stride=tuple(attrs.get("strides", [1, 1])),
                                   padding=(pads[0], pads[1]))
        elif op == "Flatten":
            m = torch.nn.Flatten(attrs.get("axis", 1))
        elif op in ("Identity", "Dropout"):
            m = torch.nn.Identity()
        else:
            raise SystemExit(f"bench_peer: unsupported operator {op} at node {node.name}")
        modules.append(m)
        current = node.output[0]
    seq = torch.nn.Sequential(*modules).eval()
    relus = [m for m in seq if isinstance(m, torch.nn.ReLU)]
    return seq, list(zip(relu_names, relus))


class PeerCounter:
    """Forward hooks on every ReLU; numpy S1/S2 class counts per layer, int64 [K, units]."""

    def __init__(self, relus, classes):
        import numpy as np
        self.np = np
        self.classes = classes
        self.s1 = {}
        self.s2 = {}
        self.onehot_t = None
        for name, module in relus:
            module.register_forward_hook(self._hook(name))

    def set_labels(self, labels):
        np = self.np
        self.onehot_t = np.ascontiguousarray(np.eye(self.classes, dtype=np.float32)[labels].T)

    def _hook(self, name):
        np = self.np

        def hook(module, inputs, output):
            a = output.detach().numpy().reshape(output.shape[0], -1)
            s1 = a > TAU
            # S2: sort descending (values <= 0 count as 0), first k with a_(k) > 0 and a_(k) > eps * a_(k+1)
            pos = np.maximum(a, 0)
            desc = -np.sort(-pos, axis=1)
            nxt = np.zeros_like(desc)
            nxt[:, :-1] = desc[:, 1:]
            cut_ok = (desc > 0) & (desc.astype(np.float64) > EPS * nxt.astype(np.float64))
            has = cut_ok.any(axis=1)
            k = cut_ok.argmax(axis=1)
            cut = desc[np.arange(a.shape[0]), k]
            cut[~has] = np.inf
            s2 = pos >= cut[:, None]
            for store, bits in ((self.s1, s1), (self.s2, s2)):
                counts = (self.onehot_t @ bits.astype(np.float32)).astype(np.int64)
                if name in store:
                    store[name] += counts
                else:
                    store[name] = counts

        return hook


def batches(inputs, labels, shape, batch, samples):
    """Batches of `batch` samples cycling over the test set (sample i is i mod N), `samples` in all."""
    import numpy as np
    n = inputs.shape[0]
    done = 0
    while done < samples:
        size = min(batch, samples - done)
        idx = (np.arange(done, done + size) % n)
        yield inputs[idx].reshape((size,) + shape), labels[idx]
        done += size


def run_peer(seq, counter, inputs, labels, shape, batch, samples):
    import torch
    counter.s1.clear()
    counter.s2.clear()
    start = time.perf_counter()
    with torch.inference_mode():
        for x, y in batches(inputs, labels, shape, batch, samples):
            counter.set_labels(y)
            seq(torch.from_numpy(x))
    return samples / (time.perf_counter() - start)


def read_manifest(directory, model):
    batch = None
    layers = []
    with open(os.path.join(directory, model + ".txt")) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "batch":
                batch = int(parts[1])
            elif parts[0] == "layer":
                layers.append((int(parts[1]), int(parts[2]), parts[3]))
    return batch, layers


def worker(args):
    """One peer process in one thread setting: the check (optional), then warm-up and timed passes; JSON out."""
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    shape = (784,) if args.model == "mlp" else (1, 28, 28)
    inputs = np.load(os.path.join(args.dir, "input.npy"))
    labels = np.load(os.path.join(args.dir, "labels.npy"))
    batch, layers = read_manifest(args.dir, args.model)
    seq, relus = load_model(os.path.join(args.dir, args.model + ".onnx"))
    names = [name for _, _, name in layers]
    if [name for name, _ in relus] != names:
        raise SystemExit(f"bench_peer: the model's ReLUs {[n for n, _ in relus]} are not the library's layers {names}")
    counter = PeerCounter(relus, 10)
    result = {"model": args.model, "threads": args.threads, "batch": batch}
    if args.check > 0:
        run_peer(seq, counter, inputs[: args.check], labels[: args.check], shape, batch, args.check)
        report = []
        worst = 0
        for index, units, name in layers:
            for sig, store in (("s1", counter.s1), ("s2", counter.s2)):
                ours = np.load(os.path.join(args.dir, f"{args.model}-{index}-{sig}.npy"))
                diff = np.abs(ours - store[name])
                worst = max(worst, int(diff.max()))
                report.append(f"{name} {sig}: {int((diff != 0).sum())} of {diff.size} counts differ"
                              f" (max {int(diff.max())}; total {int(ours.sum())})")
        result["check"] = report
        result["check_max_diff"] = worst
    rates = []
    for rep in range(args.warmup + args.reps):
        rate = run_peer(seq, counter, inputs, labels, shape, batch, args.samples)
        if rep >= args.warmup:
            rates.append(rate)
    result["rates"] = rates
    print(json.dumps(result))


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def mean_sd(values, fmt="{:.0f}"):
    m = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return (fmt + " ± " + fmt + " (min " + fmt + ", max " + fmt + ")").format(m, sd, min(values), max(values))


def spawn_peer(args, model, threads, check, samples):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--dir", args.dir, "--model", model,
           "--threads", str(threads), "--check", str(check), "--samples", str(samples),
           "--warmup", str(args.warmup), "--reps", str(args.reps)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bench_peer: the peer failed ({out.returncode}):\n{out.stderr}{out.stdout}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def spawn_java(args, model, threads):
    # the batch the export wrote (the inspection's automatic one), so that both sides run the same batches
    batch, _ = read_manifest(args.dir, model)
    cmd = args.java + ["--models", model, "--threads", str(threads), "--heap", "none",
                       "--warmup", str(args.warmup), "--reps", str(args.reps), "--batch", str(batch)]
    if args.java_samples.get(model):
        cmd += ["--samples", str(args.java_samples[model])]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench_peer: the Java benchmark failed ({done.returncode}):\n{done.stderr}{done.stdout}")
    out = done.stdout
    rates = [float(m.group(1)) for m in re.finditer(r"\(b\) (\d+) samples/s", out)]
    plain = [float(m.group(1)) for m in re.finditer(r"\(a\) (\d+) samples/s", out)]
    if not rates:
        raise SystemExit("bench_peer: no (b) figures in the Java benchmark's output:\n" + out)
    return rates, plain


def driver(args):
    args.java = json.loads(args.java_cmd)
    args.java_samples = {"mlp": args.java_samples_mlp, "cnn": args.java_samples_cnn}
    peer_samples = {"mlp": args.peer_samples_mlp, "cnn": args.peer_samples_cnn}
    java_threads = [int(t) for t in args.java_threads.split(",")]
    torch_threads = [int(t) for t in args.torch_threads.split(",")]
    print(f"peer benchmark: rounds {args.rounds}, warm-up {args.warmup} + {args.reps} reps per process,"
          f" ONNX Runtime threads {java_threads}, torch/BLAS threads {torch_threads}, {os.cpu_count()} cores,"
          f" load {load()}", flush=True)
    failed = False
    for model in args.models.split(","):
        check = spawn_peer(args, model, torch_threads[0], args.check, peer_samples[model])
        ok = check["check_max_diff"] <= 1
        exact = check["check_max_diff"] == 0
        print(f"{model} CHECK over {args.check} samples, batch {check['batch']}:"
              f" {'equal' if exact else 'within +-1' if ok else 'FAILED'}", flush=True)
        for line in check["check"]:
            print(f"  {line}")
        failed |= not ok
        ours_best, peer_best, ratios, ceilings = [], [], [], []
        for r in range(args.rounds):
            ours = {}
            plains = {}
            peer = {}
            for t in java_threads:
                rates, plain = spawn_java(args, model, t)
                ours[t] = statistics.mean(rates)
                if plain:
                    plains[t] = statistics.mean(plain)
                print(f"{model} round {r + 1}: onnx-inspect (b) {t} ORT thread(s): {mean_sd(rates)} samples/s"
                      f" (plain ORT (a) {mean_sd(plain)}); load {load()}", flush=True)
            for t in torch_threads:
                res = spawn_peer(args, model, t, 0, peer_samples[model])
                peer[t] = statistics.mean(res["rates"])
                print(f"{model} round {r + 1}: peer {t} torch thread(s): {mean_sd(res['rates'])} samples/s;"
                      f" load {load()}", flush=True)
            best_ours = max(ours, key=ours.get)
            best_peer = max(peer, key=peer.get)
            ours_best.append(ours[best_ours])
            peer_best.append(peer[best_peer])
            ratios.append(ours[best_ours] / peer[best_peer])
            # The ceiling: plain ONNX Runtime inference (a), no statistics at all, over the same peer figure. No
            # inspection can beat the inference it runs, so onnx-inspect / peer cannot exceed this ratio.
            if plains:
                ceilings.append(max(plains.values()) / peer[best_peer])
            print(f"{model} round {r + 1}: best onnx-inspect {ours[best_ours]:.0f} ({best_ours} thread(s)),"
                  f" best peer {peer[best_peer]:.0f} ({best_peer} thread(s)), ratio {ratios[-1]:.2f}", flush=True)
        ceiling = f", plain ORT (a) / peer {mean_sd(ceilings, '{:.2f}')}" if ceilings else ""
        print(f"{model} RESULT: onnx-inspect {mean_sd(ours_best)} samples/s, peer {mean_sd(peer_best)} samples/s,"
              f" onnx-inspect / peer per round {mean_sd(ratios, '{:.2f}')}{ceiling}; load {load()}", flush=True)
    if failed:
        raise SystemExit("bench_peer: the peer's counts differ from the library's by more than 1 (see CHECK)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--worker", action="store_true")
    p.add_argument("--dir", required=True)
    p.add_argument("--model")
    p.add_argument("--models", default="mlp,cnn")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--check", type=int, default=2000)
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--java-cmd", default="[]")
    p.add_argument("--java-threads", default="1,2")
    p.add_argument("--torch-threads", default="1,2")
    p.add_argument("--java-samples-mlp", type=int, default=0)
    p.add_argument("--java-samples-cnn", type=int, default=0)
    p.add_argument("--peer-samples-mlp", type=int, default=20000)
    p.add_argument("--peer-samples-cnn", type=int, default=2000)
    args = p.parse_args()
    if args.worker:
        worker(args)
    else:
        driver(args)


if __name__ == "__main__":
    main()
