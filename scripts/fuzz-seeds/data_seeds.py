#!/usr/bin/env python3
"""Writes the seed inputs of the data-file fuzz targets (inspect-core DataFilesFuzzTest, arrow-export
ArrowIpcFuzzTest, parquet-import ParquetFuzzTest) from the readers' own test files and from small files written
here with the standard library only (zlib, struct, zipfile). Run from the repository root:
    /usr/bin/python3 scripts/fuzz-seeds/data_seeds.py
The Arrow and Parquet seeds are written by the Java seed writers named in those test classes."""
import io, os, shutil, struct, zipfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NUMPY = os.path.join(ROOT, "inspect-core/src/test/resources/dev/onnxinspect/data/numpy")
IMAGES = os.path.join(ROOT, "inspect-core/src/test/resources/dev/onnxinspect/data/image")
OUT = os.path.join(ROOT, "inspect-core/src/test/resources/dev/onnxinspect/data/DataFilesFuzzTestInputs")


def npy(descr, shape, data):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")")
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * (pad % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + data


def png(width, height, rgb_rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data)


for name in sorted(os.listdir(NUMPY)):
    with open(os.path.join(NUMPY, name), "rb") as f:
        write("npy" if name.endswith(".npy") else "npz", "seed-" + name, f.read())
# an npz whose arrays are x (2 samples of 2 float32) and y (labels), stored and deflated
x = npy("<f4", (2, 2), struct.pack("<4f", 0.5, 1.5, -2.0, 3.0))
y = npy("<i8", (2,), struct.pack("<2q", 1, 0))
for compression, tag in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        z.writestr("x.npy", x)
        z.writestr("y.npy", y)
    write("npz", "seed-xy-%s.npz" % tag, buffer.getvalue())
write("npy", "seed-u1-3x2.npy", npy("|u1", (3, 2), bytes([1, 2, 3, 4, 5, 6])))
# image folder: the first byte picks .png (even) or .jpg (odd) and a resize to 8 x 8 (bit 1)
quad = png(2, 2, [[255, 0, 0, 0, 255, 0], [0, 0, 255, 255, 255, 255]])
write("imageFolder", "seed-png", b"\x00" + quad)
write("imageFolder", "seed-png-resized", b"\x02" + quad)
for i, name in enumerate(sorted(n for n in os.listdir(IMAGES) if n.endswith(".jpg"))):
    with open(os.path.join(IMAGES, name), "rb") as f:
        write("imageFolder", "seed-" + name, bytes([1 + 2 * i]) + f.read())
