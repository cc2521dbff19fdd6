#!/usr/bin/env bash
# Retrains and re-exports the default Fashion-MNIST model (models/README.md). From a checkout:
#   models/fashion-mnist-resnet-tiny/train.sh [RUN_DIR]        (default RUN_DIR: runs/fashion-mnist-default)
# About 25 minutes on one CPU thread. Deterministic for a given thread count and libtorch build.
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${1:-runs/fashion-mnist-default}
./edgessl train --threads 1 --out "$run" --method mocov3 --arch resnet-tiny \
  --train-limit 20000 --epochs 30 --warmup-epochs 2 --stop-at-epoch 6 --batch 128 \
  --lr 1e-3 --weight-decay 1e-4 --temperature 0.2 --proj-hidden 1024 --proj-dim 128 --pred-hidden 1024 \
  --crop-scale 0.2,1 --blur-sigma 0.1,1.0 --knn-bank 10000 --knn-queries 2000 --log-every 20
./edgessl export "$run" --embedding map -o "$run/fashion-mnist-resnet-tiny.edgessl"
./edgessl eval knn --model "$run/fashion-mnist-resnet-tiny.edgessl" -k 10,20,200
