#!/bin/sh
# Writes the JPEG subsampling and colour-space fixtures of Tests/ImagingTests/Fixtures/jpeg:
# one 16x16 RGB source encoded with libjpeg-turbo's cjpeg in every sampling mode it decodes,
# a greyscale one, and a YCCK and a CMYK (Adobe) file; each decodable file's reference
# pixels are djpeg's decode (islow DCT, fancy upsampling, the settings cnnlearn decodes with)
# saved as .npy (uint8, HxWxC) with numpy.
# Needs: cjpeg/djpeg (Debian libjpeg-turbo-progs), python3 with numpy. Run from the repository:
#     sh scripts/make_jpeg_fixtures.sh
set -eu
out=Tests/ImagingTests/Fixtures/jpeg
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/src.ppm" <<'PY'
import sys
W = H = 16
px = bytearray()
for y in range(H):
    for x in range(W):
        px += bytes([(x * 16 + y * 3) % 256, (y * 16 + x * 5) % 256, ((x + y) * 8 + 40) % 256])
open(sys.argv[1], "wb").write(b"P6\n%d %d\n255\n" % (W, H) + px)
PY
# Mode name : luma sampling factors HxV (chroma 1x1).
for m in 444:1x1 422:2x1 420:2x2 440:1x2 411:4x1 441:1x4; do
    cjpeg -quality 90 -sample "${m#*:}",1x1,1x1 -outfile "$out/sub-${m%%:*}.jpg" "$tmp/src.ppm"
done
cjpeg -quality 90 -grayscale -outfile "$out/gray.jpg" "$tmp/src.ppm"
for f in "$out"/sub-*.jpg "$out/gray.jpg"; do
    djpeg -dct int -pnm -outfile "$tmp/ref.pnm" "$f"
    python3 - "$tmp/ref.pnm" "${f%.jpg}.npy" <<'PY'
import sys
import numpy as np
data = open(sys.argv[1], "rb").read()
parts = data.split(maxsplit=4)
kind, w, h = parts[0], int(parts[1]), int(parts[2])
c = 3 if kind == b"P6" else 1
np.save(sys.argv[2], np.frombuffer(parts[4], dtype=np.uint8).reshape(h, w, c))
PY
done
# YCCK and CMYK: cjpeg reads no CMYK input, so TurboJPEG (tjCompress2 from packed CMYK, which
# libjpeg-turbo writes as YCCK with an Adobe marker, transform 2) makes the YCCK file; the CMYK
# one is the same file with the Adobe marker's transform byte set to 0 (plain CMYK).
cat > "$tmp/ycck.c" <<'C'
#include <stdio.h>
#include <turbojpeg.h>
int main(int argc, char **argv) {
    unsigned char cmyk[8 * 8 * 4], *out = NULL;
    unsigned long size = 0;
    for (int i = 0; i < 8 * 8 * 4; i++) cmyk[i] = (unsigned char)(i * 5);
    tjhandle h = tjInitCompress();
    if (tjCompress2(h, cmyk, 8, 0, 8, TJPF_CMYK, &out, &size, TJSAMP_444, 90, 0) != 0) return 1;
    FILE *f = fopen(argv[1], "wb");
    fwrite(out, 1, size, f);
    fclose(f);
    return 0;
}
C
cc -o "$tmp/ycck" "$tmp/ycck.c" -lturbojpeg
"$tmp/ycck" "$out/ycck.jpg"
python3 - "$out/ycck.jpg" "$out/cmyk.jpg" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"Adobe") - 4            # APP14 (FF EE): length(2) "Adobe" version(2) flags0(2) flags1(2) transform(1)
assert b[i:i + 2] == b"\xff\xee"
assert b[i + 15] == 2, b[i + 15]
b[i + 15] = 0
open(sys.argv[2], "wb").write(bytes(b))
PY
# A progressive-JPEG scan bomb: a 16x16 progressive file whose last scan (an AC refinement)
# is repeated until the file has 600 scans. libjpeg-turbo decodes every scan in full, so such
# files (a few KB here, 94 KB in the wild) cost seconds to minutes; cnnlearn refuses them
# past TurboJPEG's 500-scan limit (TJFLAG_LIMITSCANS).
cjpeg -quality 90 -progressive -outfile "$tmp/progressive.jpg" "$tmp/src.ppm"
python3 - "$tmp/progressive.jpg" "$out/scan-bomb.jpg" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
# Each scan runs from its SOS marker (FF DA) to the next marker that is not a stuffed byte,
# a restart marker, or (for the last) EOI.
sos = [i for i in range(len(b) - 1) if b[i] == 0xFF and b[i + 1] == 0xDA]
eoi = b.rindex(b"\xff\xd9")
last = b[sos[-1]:eoi]
bomb = b[:eoi] + last * (600 - len(sos)) + b[eoi:]
open(sys.argv[2], "wb").write(bomb)
PY
