#!/usr/bin/env bash
# One GPU session's training (see README.md, "Full training"): every family's shipped run(s) and all
# leave-one-generator-out runs via train_multi.py, packed into OUTDIR for the device tool's limits
# (at most 8 files ≤ 16 MiB): checkpoints of the shipped runs, every run's JSON/PNG, the shipped runs'
# predictions and the log.
#   bash models/training/gpu_multi.sh INDEX OUTDIR [DEADLINE_S] [EPOCHS] [HARD_LIMIT_S]
set -u
export PYTHONUNBUFFERED=1
PY=${PY:-python3}
INDEX=$1 OUTDIR=$2 DEADLINE=${3:-420} EPOCHS=${4:-60} LIMIT=${5:-540}
RUNS=/tmp/fakescope-runs
mkdir -p "$OUTDIR" "$RUNS"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; nproc
  $PY -c 'import torch, torchvision; print("torch", torch.__version__, "torchvision", torchvision.__version__)'; } 2>&1 | tee "$OUTDIR/train.log"
timeout "$LIMIT" $PY -m models.training.train_multi --config models/training/configs/full.json --index "$INDEX" \
  --epochs "$EPOCHS" --deadline-s "$DEADLINE" --runs "$RUNS" 2>&1 | tee -a "$OUTDIR/train.log"
cd "$RUNS" || exit 1
shipped="blind-mobilenet-mcd blind-mobilenet-bnn blind-resnet18-mcd blind-xception-mcd blind-efficientnet-mcd"
tar czf "$OUTDIR/pt-mobilenet.tgz" blind-mobilenet-mcd/best.pt blind-mobilenet-bnn/best.pt
tar czf "$OUTDIR/pt-resnet18-xception.tgz" blind-resnet18-mcd/best.pt blind-xception-mcd/best.pt
tar czf "$OUTDIR/pt-efficientnet.tgz" blind-efficientnet-mcd/best.pt
find . -name '*.json' -o -name '*.png' | tar czf "$OUTDIR/meta.tgz" -T -
tar czf "$OUTDIR/preds.tgz" $(for r in $shipped; do ls $r/pred_*.npz; done)
ls -la "$OUTDIR"
