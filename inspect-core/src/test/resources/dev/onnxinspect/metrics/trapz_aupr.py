#!/usr/bin/python3
"""Fixture of SPEC §6 trapezoid AUPR (OpenOOD's convention) from an independent implementation.

Run with Debian's python3-sklearn (1.2.1): /usr/bin/python3 trapz_aupr.py > trapz_aupr.csv
Each row: case id, ID scores and OOD scores (space-separated integers: heavily tied), then aupr_in_trapz and
aupr_out_trapz as OpenOOD computes them (sklearn precision_recall_curve + auc; ID positive ranked by -score, OOD
positive ranked by score) and the step-wise average precision of both (sklearn average_precision_score).
"""
import numpy as np
from sklearn.metrics import auc, average_precision_score, precision_recall_curve

rng = np.random.default_rng(17)
print("case,id_scores,ood_scores,aupr_in_trapz,aupr_out_trapz,aupr_in,aupr_out")
for case in range(40):
    n_id = int(rng.integers(1, 12))
    n_ood = int(rng.integers(1, 12))
    top = int(rng.integers(1, 6))
    id_scores = rng.integers(0, top + 1, n_id)
    ood_scores = rng.integers(0, top + 1, n_ood) + int(rng.integers(0, 2))
    scores = np.concatenate([id_scores, ood_scores]).astype(float)
    is_ood = np.concatenate([np.zeros(n_id), np.ones(n_ood)])
    p, r, _ = precision_recall_curve(1 - is_ood, -scores)
    in_trapz = auc(r, p)
    p, r, _ = precision_recall_curve(is_ood, scores)
    out_trapz = auc(r, p)
    ap_in = average_precision_score(1 - is_ood, -scores)
    ap_out = average_precision_score(is_ood, scores)
    print("%d,%s,%s,%.17g,%.17g,%.17g,%.17g" % (case, " ".join(str(int(v)) for v in id_scores),
          " ".join(str(int(v)) for v in ood_scores), in_trapz, out_trapz, ap_in, ap_out))
