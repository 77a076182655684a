#!/usr/bin/env python3
"""Writes the hostile and unusual image fixtures of Tests/ImagingTests/Fixtures/robust.

Plain python3 (struct, zlib), so every stored sample value is known exactly (the Adam7
interlacing is written here too). The CMYK/YCCK JPEGs are made by the tests themselves with
libjpeg-turbo's encoder. Run from the repository:
    python3 scripts/make_image_fixtures.py
"""
import os
import struct
import zlib

root = os.path.join(os.path.dirname(__file__), "..")
out = os.path.join(root, "Tests", "ImagingTests", "Fixtures", "robust")
os.makedirs(out, exist_ok=True)

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(path, width, height, depth, color, rows, extra=b"", interlaced=False, bytes_per_pixel=None):
    if not interlaced:
        raw = b"".join(b"\0" + r for r in rows)
    else:
        # Adam7: seven passes over sub-grids, each row with filter byte 0.
        raw = b""
        for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
            if x0 >= width or y0 >= height:
                continue
            for y in range(y0, height, dy):
                r = rows[y]
                raw += b"\0" + b"".join(r[x * bytes_per_pixel:(x + 1) * bytes_per_pixel] for x in range(x0, width, dx))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 1 if interlaced else 0))
    data += extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(os.path.join(out, path), "wb") as fh:
        fh.write(data)

# A tiny file claiming 60000x60000 RGBA pixels (10.8 GB decoded as Ints): refused from the header.
hdr = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 6, 0, 0, 0))
hdr += chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")
open(os.path.join(out, "huge-header.png"), "wb").write(hdr)

# 16-bit gray, 3x2: the stored values must come back exactly (values above 255 as Ints).
gray16 = [0, 1, 255, 256, 40000, 65535]
png("gray16.png", 3, 2, 16, 0, [struct.pack(">3H", *gray16[0:3]), struct.pack(">3H", *gray16[3:6])])
# 16-bit RGB, 2x2, with a gAMA chunk: values as stored, no gamma transform.
rgb16 = [1000, 2000, 3000, 65535, 0, 12345, 300, 301, 302, 40000, 50000, 60000]
png("rgb16-gamma.png", 2, 2, 16, 2, [struct.pack(">6H", *rgb16[0:6]), struct.pack(">6H", *rgb16[6:12])],
    extra=chunk(b"gAMA", struct.pack(">I", 100000)))
# 8-bit gray with gamma 1.0 tagged: stored values, not converted to sRGB.
png("gray8-gamma.png", 4, 1, 8, 0, [bytes([0, 64, 128, 255])], extra=chunk(b"gAMA", struct.pack(">I", 100000)))
# 16-bit RGB 9x9 ramp, interlaced (Adam7): sample (y, x, c) is (y * 9 + x) * 700 + c.
ramp = [[(y * 9 + x) * 700 + c for x in range(9) for c in range(3)] for y in range(9)]
png("rgb16-interlaced.png", 9, 9, 16, 2, [struct.pack(">27H", *r) for r in ramp], interlaced=True, bytes_per_pixel=6)

# JPEG: a real one with its frame header patched to claim 60000x60000, and a CMYK one.
jpeg = bytearray(open(os.path.join(root, "lessons", "data", "chelsea-112.jpg"), "rb").read())
i = 2
while i < len(jpeg):
    marker, length = jpeg[i + 1], struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    if marker in (0xC0, 0xC1, 0xC2):
        jpeg[i + 5:i + 9] = struct.pack(">HH", 60000, 60000)
        break
    i += 2 + length
open(os.path.join(out, "huge-header.jpg"), "wb").write(bytes(jpeg))
print("wrote", sorted(os.listdir(out)))
