#!/usr/bin/env bash
# Side-by-side training benchmark: TensorFlow 2.21 / Keras 3 (CPU, oneDNN) and cnnlearn
# (oneDNN) on the tutorial's CNN, in one run; prints each number and the ratios.
# Creates its own virtual environment (bench/.venv) with tensorflow-cpu 2.21 on first use.
# Usage: bench/compare.sh [STEPS_150 [STEPS_28 [ROUNDS]]]   (defaults 15, 200 and 2)
#
# Sizes: 150x150x3 at batch 32 and 28x28x1 at batch 64, Adam, binary cross-entropy. Each size
# runs ROUNDS times, alternating TensorFlow and cnnlearn (TF, cnnlearn, TF, cnnlearn, ...),
# then both once more with ONEDNN_MAX_CPU_ISA=AVX2 (the AVX2 class of CPU a learner's laptop
# has; both sides' oneDNN honour it). The summary takes each side's best round (highest
# images/s, GFLOP/s and FMA peak; highest peak memory), the same rule for both; every round's
# numbers are printed too. The two cores of this machine are shared with other virtual
# machines, so one measurement can be off by tens of percent either way.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS_BIG=${1:-15}
STEPS_SMALL=${2:-200}
ROUNDS=${3:-2}
for arg in "$STEPS_BIG" "$STEPS_SMALL" "$ROUNDS"; do
    if ! [[ "$arg" =~ ^[1-9][0-9]*$ ]]; then
        echo "compare.sh: '$arg' is not a positive whole number" >&2
        echo "usage: bench/compare.sh [STEPS_150 [STEPS_28 [ROUNDS]]]   (defaults 15, 200 and 2)" >&2
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
tf() { env TF_ENABLE_ONEDNN_OPTS=1 "$VENV/bin/python" bench/tf_bench.py "$@"; }
cnn() { .build/release/cnnlearn bench "$@"; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
    run "tf-150-$r" tf --input 150x150x3 --batch 32 --steps "$STEPS_BIG"
    run "cnn-150-$r" cnn --input 150x150x3 --batch 32 --steps "$STEPS_BIG"
done
for r in $(seq "$ROUNDS"); do
    run "tf-28-$r" tf --input 28x28x1 --batch 64 --steps "$STEPS_SMALL"
    run "cnn-28-$r" cnn --input 28x28x1 --batch 64 --steps "$STEPS_SMALL" --training-only
done
export ONEDNN_MAX_CPU_ISA=AVX2
run "tf-avx2-150-1" tf --input 150x150x3 --batch 32 --steps "$STEPS_BIG"
run "cnn-avx2-150-1" cnn --input 150x150x3 --batch 32 --steps "$STEPS_BIG" --training-only
run "tf-avx2-28-1" tf --input 28x28x1 --batch 64 --steps "$STEPS_SMALL"
run "cnn-avx2-28-1" cnn --input 28x28x1 --batch 64 --steps "$STEPS_SMALL" --training-only
unset ONEDNN_MAX_CPU_ISA
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$OUT" "$ROUNDS" <<'PY'
import re, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def vals(name, pattern, n=rounds):
    """The value of `pattern` (a regex with one group) in each round's output of `name`."""
    found = []
    for r in range(1, n + 1):
        for line in open(f"{out}/{name}-{r}.txt"):
            m = re.match(pattern, line)
            if m: found.append(float(m.group(1)))
    return found
def key(k): return rf"{re.escape(k)}:\s*([0-9.]+)"
def rounds_text(v): return "rounds " + ", ".join(f"{x:.1f}" for x in v)
print()
print(f"{'':30}{'TensorFlow':>12}{'cnnlearn':>12}{'ratio':>8}  target")
notes = []
for size, target in (("150", 1.3), ("28", 1.5)):
    t, c = vals(f"tf-{size}", key("images/s")), vals(f"cnn-{size}", key("images/s"))
    print(f"{'train images/s ' + size + 'x' + size:30}{max(t):12.1f}{max(c):12.1f}{max(c) / max(t):8.2f}  >= {target}")
    notes.append(f"images/s {size}: TensorFlow {rounds_text(t)}; cnnlearn {rounds_text(c)}")
    t, c = vals(f"tf-{size}", key("peak memory MB")), vals(f"cnn-{size}", key("peak memory MB"))
    print(f"{'peak memory MB ' + size + 'x' + size:30}{max(t):12.1f}{max(c):12.1f}{max(c) / max(t):8.2f}  <= 1.0")
for size, target in (("150", 1.3), ("28", 1.5)):
    t, c = vals(f"tf-avx2-{size}", key("images/s"), 1), vals(f"cnn-avx2-{size}", key("images/s"), 1)
    print(f"{'AVX2 images/s ' + size + 'x' + size:30}{t[0]:12.1f}{c[0]:12.1f}{c[0] / t[0]:8.2f}  >= {target}")
peaks = vals("cnn-150", key("fma peak GFLOP/s"))
peak = max(peaks)
for layer in range(1, 5):
    g = vals("cnn-150", rf"conv_{layer} fwd\+bwd .*?([0-9.]+) GFLOP/s")
    print(f"{f'conv_{layer} fwd+bwd GFLOP/s':30}{'':12}{max(g):12.1f}{max(g) / peak:8.2f}  >= 0.60 of fma peak {peak:.1f}")
    notes.append(f"conv_{layer} fwd+bwd GFLOP/s: {rounds_text(g)} (share {', '.join(f'{x / p:.2f}' for x, p in zip(g, peaks))})")
notes.append(f"fma peak GFLOP/s: {rounds_text(peaks)}")
print()
print(f"best of {rounds} alternating rounds (AVX2: one round each); every round:")
for n in notes: print("  " + n)
PY
