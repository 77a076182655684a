#!/usr/bin/env bash
# Side-by-side training benchmark: TensorFlow 2.21 / Keras 3 (CPU, oneDNN) and cnnlearn on the
# tutorial's CNN, in one run; prints each number and the ratios.
# Creates its own virtual environment (bench/.venv) with tensorflow-cpu 2.21 on first use.
# Usage: bench/compare.sh [STEPS_150 [STEPS_28 [ROUNDS]]]   (defaults 15, 300 and 2)
#
# The two cores of this machine are shared with other virtual machines, so one measurement can
# be off by tens of percent either way. Each size therefore runs ROUNDS times, alternating
# TensorFlow and cnnlearn (TF, cnnlearn, TF, cnnlearn, ...), and the summary takes each side's
# best round (highest images/s, highest GFLOP/s, highest sgemm peak; highest peak memory),
# the same rule for both. Every round's numbers are printed too.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS_BIG=${1:-15}
STEPS_SMALL=${2:-300}
ROUNDS=${3:-2}
for arg in "$STEPS_BIG" "$STEPS_SMALL" "$ROUNDS"; do
    if ! [[ "$arg" =~ ^[1-9][0-9]*$ ]]; then
        echo "compare.sh: '$arg' is not a positive whole number" >&2
        echo "usage: bench/compare.sh [STEPS_150 [STEPS_28 [ROUNDS]]]   (defaults 15, 300 and 2)" >&2
        exit 2
    fi
done
VENV=bench/.venv
OUT=bench/results
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.err

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
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    run "tf-150-$r" env TF_ENABLE_ONEDNN_OPTS=1 "$VENV/bin/python" bench/tf_bench.py --input 150x150x3 --steps "$STEPS_BIG"
    run "cnn-150-$r" .build/release/cnnlearn bench --input 150x150x3 --steps "$STEPS_BIG"
done
for r in $(seq "$ROUNDS"); do
    run "tf-28-$r" env TF_ENABLE_ONEDNN_OPTS=1 "$VENV/bin/python" bench/tf_bench.py --input 28x28x1 --steps "$STEPS_SMALL"
    run "cnn-28-$r" .build/release/cnnlearn bench --input 28x28x1 --steps "$STEPS_SMALL" --training-only
done

python3 - "$OUT" "$ROUNDS" <<'PY'
import re, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def vals(name, pattern):
    """The value of `pattern` (a regex with one group) in each round's output of `name`."""
    found = []
    for r in range(1, rounds + 1):
        for line in open(f"{out}/{name}-{r}.txt"):
            m = re.match(pattern, line)
            if m: found.append(float(m.group(1)))
    return found
def key(k): return rf"{re.escape(k)}:\s*([0-9.]+)"
def rounds_text(v): return "rounds " + ", ".join(f"{x:.1f}" for x in v)
print()
print(f"{'':28}{'TensorFlow':>12}{'cnnlearn':>12}{'ratio':>8}  target")
notes = []
for size, target in (("150", 1.2), ("28", 1.5)):
    t, c = vals(f"tf-{size}", key("images/s")), vals(f"cnn-{size}", key("images/s"))
    print(f"{'train images/s ' + size + 'x' + size:28}{max(t):12.1f}{max(c):12.1f}{max(c) / max(t):8.2f}  >= {target}")
    notes.append(f"images/s {size}: TensorFlow {rounds_text(t)}; cnnlearn {rounds_text(c)}")
    t, c = vals(f"tf-{size}", key("peak memory MB")), vals(f"cnn-{size}", key("peak memory MB"))
    print(f"{'peak memory MB ' + size + 'x' + size:28}{max(t):12.1f}{max(c):12.1f}{max(c) / max(t):8.2f}  <= 1.0")
peaks = vals("cnn-150", key("sgemm GFLOP/s"))
peak = max(peaks)
for layer in range(1, 5):
    g = vals("cnn-150", rf"conv_{layer} fwd\+bwd .*?([0-9.]+) GFLOP/s")
    print(f"{f'conv_{layer} fwd+bwd GFLOP/s':28}{'':12}{max(g):12.1f}{max(g) / peak:8.2f}  >= 0.60 of sgemm {peak:.1f}")
    notes.append(f"conv_{layer} fwd+bwd GFLOP/s: {rounds_text(g)} (share {', '.join(f'{x / p:.2f}' for x, p in zip(g, peaks))})")
notes.append(f"sgemm GFLOP/s: {rounds_text(peaks)}")
print()
print(f"best of {rounds} alternating rounds; every round:")
for n in notes: print("  " + n)
PY
