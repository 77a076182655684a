#!/usr/bin/env bash
# Side-by-side training benchmark: TensorFlow 2.21 / Keras 3 (CPU, oneDNN) and cnnlearn on the
# tutorial's CNN, one after the other in one run; prints each number and the ratios.
# Creates its own virtual environment (bench/.venv) with tensorflow-cpu 2.21 on first use.
# Usage: bench/compare.sh [STEPS_150 [STEPS_28]]   (defaults 15 and 300)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS_BIG=${1:-15}
STEPS_SMALL=${2:-300}
VENV=bench/.venv
OUT=bench/results
mkdir -p "$OUT"

if ! "$VENV/bin/python" -c "import tensorflow" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet "tensorflow-cpu==2.21.*"
fi
swift build -c release --product cnnlearn 2>&1 | tail -1

run() {  # run NAME COMMAND...: keeps stdout and stderr in bench/results, echoes stdout
    "${@:2}" > "$OUT/$1.txt" 2> "$OUT/$1.err" || { cat "$OUT/$1.err" >&2; exit 1; }
    sed "s/^/  [$1] /" "$OUT/$1.txt"
}
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB"
run tf-150 env TF_ENABLE_ONEDNN_OPTS=1 "$VENV/bin/python" bench/tf_bench.py --input 150x150x3 --steps "$STEPS_BIG"
run cnn-150 .build/release/cnnlearn bench --input 150x150x3 --steps "$STEPS_BIG"
run tf-28 env TF_ENABLE_ONEDNN_OPTS=1 "$VENV/bin/python" bench/tf_bench.py --input 28x28x1 --steps "$STEPS_SMALL"
run cnn-28 .build/release/cnnlearn bench --input 28x28x1 --steps "$STEPS_SMALL" --training-only

python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def val(name, key):
    for line in open(f"{out}/{name}.txt"):
        m = re.match(rf"{re.escape(key)}:\s*([0-9.]+)", line)
        if m: v = float(m.group(1))
    return v
print()
print(f"{'':28}{'TensorFlow':>12}{'cnnlearn':>12}{'ratio':>8}  target")
for size, target in (("150", 1.2), ("28", 1.5)):
    t, c = val(f"tf-{size}", "images/s"), val(f"cnn-{size}", "images/s")
    print(f"{'train images/s ' + size + 'x' + size:28}{t:12.1f}{c:12.1f}{c / t:8.2f}  >= {target}")
    t, c = val(f"tf-{size}", "peak memory MB"), val(f"cnn-{size}", "peak memory MB")
    print(f"{'peak memory MB ' + size + 'x' + size:28}{t:12.1f}{c:12.1f}{c / t:8.2f}  <= 1.0")
peak = val("cnn-150", "sgemm GFLOP/s")
for line in open(f"{out}/cnn-150.txt"):
    m = re.match(r"(conv_\d) fwd\+bwd .*?([0-9.]+) GFLOP/s", line)
    if m:
        g = float(m.group(2))
        print(f"{m.group(1) + ' fwd+bwd GFLOP/s':28}{'':12}{g:12.1f}{g / peak:8.2f}  >= 0.60 of sgemm {peak:.1f}")
PY
