#!/usr/bin/env python3
"""Writes the seed inputs of the guard-properties fuzz target (inspect-core GuardFilesFuzzTest#guardProperties):
guard.properties files as OodGuard#save writes them (format 2, and a format 1 file), for the detector file the
target puts next to them (msp, energy). The target appends the two hashes itself. Run from the repository root:
    /usr/bin/python3 scripts/fuzz-seeds/guard_seeds.py"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "inspect-core/src/test/resources/dev/onnxinspect/guard/GuardFilesFuzzTestInputs/guardProperties")
COMMON = """logits_output=logits
pattern_layer.count=0
classes=3
primary_detector=energy
target_tpr=0.95
calibration_set=fashion-mnist-test
calibration_samples=200
detector.count=2
detector.0.name=msp
detector.1.name=energy
threshold.0=-0.5
threshold.1=-3.25
"""
SEEDS = {
    "seed-format2.properties": "format=2\ninput.count=1\ninput.0.name=input\ninput.0.type=FLOAT\n"
    "input.0.shape=4\ninput.0.fit_shape=4\nfeature_layer=hidden/relu\n" + COMMON,
    "seed-format2-two-inputs.properties": "format=2\ninput.count=2\ninput.0.name=ids\ninput.0.type=INT64\n"
    "input.0.shape=-1\ninput.0.fit_shape=16\ninput.1.name=mask\ninput.1.type=INT64\ninput.1.shape=-1\n"
    "input.1.fit_shape=16\n" + COMMON,
    "seed-format1.properties": "format=1\nsample_shape=4\n" + COMMON,
}
os.makedirs(OUT, exist_ok=True)
for name, text in SEEDS.items():
    with open(os.path.join(OUT, name), "w", encoding="ascii") as f:
        f.write(text)
