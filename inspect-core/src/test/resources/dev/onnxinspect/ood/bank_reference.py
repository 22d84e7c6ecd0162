#!/usr/bin/python3
"""Independent numpy implementation of SPEC §5b NNGuide, Relation and NAC-UE (two layers), written for
BankReferenceTest: seeded float32 inputs and the expected float64 scores, one array per line ("name v v ..."), every
value as float.hex (exact). Run: /usr/bin/python3 bank_reference.py (numpy 1.24)."""
import math

import numpy as np

rng = np.random.default_rng(17)
N, Q, D_A, D, K = 40, 15, 5, 6, 3
D1 = rng.normal(size=(D, D_A)).astype(np.float32)  # h = relu(D1 a + b1)
b1 = rng.normal(scale=0.3, size=D).astype(np.float32)
W = rng.normal(size=(K, D)).astype(np.float32)  # z = W h + b
b = rng.normal(scale=0.1, size=K).astype(np.float32)


def forward(n, shift):
    a = np.maximum(0, rng.normal(size=(n, D_A)) + shift).astype(np.float32)
    h = np.maximum(0, a @ D1.T + b1).astype(np.float32)
    h[0] = 0  # a zero feature vector
    z = (h @ W.T + b).astype(np.float32)
    return a, h, z


fa, fh, fz = forward(N, 0.5)
qa, qh, qz = forward(Q, 0.0)


def softmax(z):
    z = z.astype(np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def lse(z):
    z = z.astype(np.float64)
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


def unit(h):
    h = h.astype(np.float64)
    n = np.linalg.norm(h, axis=1, keepdims=True)
    return np.divide(h, n, out=np.zeros_like(h), where=n > 0)


# NNGuide: bank g_i = ĥ_i lse(z_i) of all N fit samples (alpha = 1), k = min(100, N)
bank = unit(fh) * lse(fz)[:, None]
k = min(100, N)
sims = unit(qh) @ bank.T
nnguide = -lse(qz) * np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1)

# Relation: r_i = max(0, <ĥ, ĥ_i>) <p, p_i>, summed where r_i > 0.03 (q = 1)
r = np.maximum(0, unit(qh) @ unit(fh).T) * (softmax(qz) @ softmax(fz).T)
relation = -np.where(r > 0.03, r, 0).sum(axis=1)

# NAC-UE on h and a: g_h = W^T (p - 1/K), g_a = D1^T (g_h * 1[h > 0]); s = sigmoid(100 a g); edges with the
# correctly rounded ln (see nac_edges.py); O = ceil(0.05 N); mean of the per-layer scores
m = 25
x = np.linspace(1, np.sqrt(1000), m)
u = np.array([math.log(float(v)) for v in x]) / math.log(1000.0)
edges = np.append(np.concatenate([u[:-1], (1 - u)[::-1]]), 1.2)
edges[-2] = 1.01


def bins(h, a, z):
    p = softmax(z)
    gh = (p - 1.0 / K) @ W.astype(np.float64)
    ga = (gh * (h > 0)) @ D1.astype(np.float64)
    out = []
    for act, g in ((h, gh), (a, ga)):
        s = 1 / (1 + np.exp(-(100 * act.astype(np.float64) * g)))
        out.append(np.searchsorted(edges, s, side="right") - 1)
    return out


O = math.ceil(N / 20)
counts = [np.zeros((act.shape[1], 49), dtype=np.int64) for act in (fh, fa)]
for layer, bn in enumerate(bins(fh, fa, fz)):
    for i in range(N):
        for j in range(bn.shape[1]):
            counts[layer][j, bn[i, j]] += 1
per_layer = []
for layer, bn in enumerate(bins(qh, qa, qz)):
    covered = np.array([sum(min(counts[layer][j, bn[i, j]], O) for j in range(bn.shape[1])) for i in range(Q)])
    per_layer.append(-covered / (O * bn.shape[1]))
nac = (per_layer[0] + per_layer[1]) / 2

with open("bank_reference.txt", "w") as f:
    for name, v in (("D1", D1), ("b1", b1), ("W", W), ("b", b), ("fit_a", fa), ("fit_h", fh), ("fit_z", fz),
                    ("query_a", qa), ("query_h", qh), ("query_z", qz), ("nnguide", nnguide),
                    ("relation", relation), ("nac_ue", nac)):
        f.write(name + " " + " ".join(float.hex(float(e)) for e in np.asarray(v).ravel()) + "\n")
