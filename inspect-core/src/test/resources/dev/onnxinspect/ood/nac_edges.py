#!/usr/bin/python3
"""NAC-UE histogram edges as the authors' code computes them (SPEC §5b), written for NacUeDetectorTest, one edge
per line as float64 hex strings (float.hex), M = 50:
- nac_edges_M50_numpy.txt: the authors' expression with numpy (np.log; numpy's SIMD log on AVX-512 CPUs is 1 ulp
  off the correctly rounded logarithm at some points, so these edges can differ by a few ulps between machines);
- nac_edges_M50.txt: the same expression with numpy's linspace but the correctly rounded logarithm (math.log).
Run: /usr/bin/python3 nac_edges.py (numpy 1.24 on the project's machine)."""
import math

import numpy as np

M = 50
m = M // 2


def edges(u):
    e = np.concatenate([u[:-1], (1 - u)[::-1]])
    e[-1] = 1.01
    return np.append(e, 1.2)


x = np.linspace(1, np.sqrt(1000), m)
authors = np.log(x) / np.log(1000)  # the authors' expression
rounded = np.array([math.log(float(v)) for v in x]) / math.log(1000.0)
for name, u in (("nac_edges_M50_numpy.txt", authors), ("nac_edges_M50.txt", rounded)):
    with open(name, "w") as f:
        for v in edges(u):
            f.write(float.hex(float(v)) + "\n")
