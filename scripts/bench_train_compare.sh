#!/usr/bin/env bash
# Training throughput of the Java loop (edgessl bench train) against the same model, method and
# batch in PyTorch's Python API (scripts/bench_train.py), measured side by side: ROUNDS rounds, each
# one Java run then one Python run, so load from other processes hits both alike. Prints each
# round's images/s and the median of the per-round ratios Java / PyTorch.
# Usage: scripts/bench_train_compare.sh mocov3-resnet|dino-vit [ROUNDS]   (needs python3-torch)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib/common.sh
edgessl_find_jdk
config=${1:?usage: $0 mocov3-resnet|dino-vit [ROUNDS]}
rounds=${2:-10}
common="--steps 4 --runs 1 --warmup 2"
case "$config" in
  mocov3-resnet)
    java_args="--method mocov3 --arch resnet-tiny --batch 256 --proj-hidden 1024 --proj-dim 128 --pred-hidden 1024"
    py_args="--method mocov3 --arch resnet --batch 256 --proj-hidden 1024 --proj-dim 128 --pred-hidden 1024 --clip-grad 0" ;;
  dino-vit)
    java_args="--method dino --arch vit-tiny --depth 4 --batch 64 --local-crops 6 --out-dim 4096 --head-hidden 1024 --head-bottleneck 256 --drop-path 0"
    py_args="--method dino --arch vit --dim 192 --heads 3 --depth 4 --patch 4 --batch 64 --local-crops 6 --local-size 12 --out-dim 4096 --head-hidden 1024 --head-bottleneck 256" ;;
  *) echo "unknown configuration $config" >&2; exit 2 ;;
esac
jar=$(ls tools/cli/target/edgessl-tools-*.jar | grep -v -e sources -e tests | head -n 1)
ratios=()
for r in $(seq 1 "$rounds"); do
  j=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" bench train --threads 1 \
      $java_args $common 2>/dev/null | sed -n 's/^  training *\([0-9.]*\) images\/s/\1/p')
  p=$(/usr/bin/python3 scripts/bench_train.py --threads 1 $py_args $common 2>/dev/null \
      | sed -n 's/^  training *\([0-9.]*\) images\/s/\1/p')
  ratio=$(awk -v j="$j" -v p="$p" 'BEGIN { printf "%.3f", j / p }')
  ratios+=("$ratio")
  echo "round $r: java $j images/s, pytorch $p images/s, ratio $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END {
  m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
  printf "median ratio java / pytorch: %.3f over %d rounds\n", m, NR }'
