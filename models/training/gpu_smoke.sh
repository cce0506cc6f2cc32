#!/usr/bin/env bash
# Quick check of the training code on a GPU machine before the full run (a few minutes):
# versions, per-family step times at batch 128, data-pipeline rate, and a short run_all on the
# crops of INDEX (two families, both heads, one LOGO generator) exported and checked with
# onnxruntime (Python) when it is installed there; node check_onnx.mjs runs too when node exists.
#   bash models/training/gpu_smoke.sh [INDEX] [OUTDIR]
set -u
export PYTHONUNBUFFERED=1
PY=${PY:-python3}
INDEX=${1:-models/training/cache/crops/index.jsonl}
OUTDIR=${2:-/tmp/fakescope-gpu-smoke}
mkdir -p "$OUTDIR"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
nproc
$PY - <<'EOF'
import torch, torchvision, onnx, numpy, PIL
print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'torchvision', torchvision.__version__,
      'onnx', onnx.__version__, 'numpy', numpy.__version__, 'PIL', PIL.__version__)
EOF
$PY -m models.training.bench --device cuda --batch-size 128 --steps 20 --heads dropout,bayes \
  --data-items 3000 --workers "$(( $(nproc) - 1 ))" --index "$INDEX" 2>&1 | tee "$OUTDIR/bench.txt"
$PY -m models.training.run_all --index "$INDEX" --max-steps 20 --batch-size 64 --device cuda \
  --families mobilenet,resnet18 --heads dropout,bayes --logo-generators swap \
  --runs "$OUTDIR/runs" --out "$OUTDIR/models" 2>&1 | tee "$OUTDIR/run_all.log" | grep -v ' step '
$PY - "$OUTDIR/models" <<'EOF'
# The stochastic-export check of check_onnx.mjs, in Python onnxruntime with ORT_ENABLE_ALL.
import json, sys, pathlib
import numpy as np
try:
    import onnxruntime as ort
except ImportError:
    sys.exit('onnxruntime (Python) not installed: run node models/training/check_onnx.mjs on the exported models')
for d in sorted(pathlib.Path(sys.argv[1]).iterdir()):
    m = json.loads((d / 'manifest.json').read_text())
    so = ort.SessionOptions(); so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    s = ort.InferenceSession(str(d / 'model.onnx'), so, providers=['CPUExecutionProvider'])
    rng = np.random.default_rng(0); img = rng.uniform(-1, 1, (2, 3, 128, 128)).astype(np.float32)
    def noise(seed):
        r = np.random.default_rng(seed); out = []
        for spec in m['mc']['inputs']:
            shape = (2, 8, spec['shape'][2])
            if spec['distribution'] == 'bernoulli-mask':
                out.append(np.where(r.random(shape) < spec['rate'], 0, 1 / (1 - spec['rate'])).astype(np.float32))
            else:
                out.append(r.standard_normal(shape).astype(np.float32))
        return out
    run = lambda seed: s.run(None, dict(zip(['image', 'noise', 'dense_noise'], [img, *noise(seed)])))
    a, b, c = run(1), run(1), run(2)
    same = max(float(np.abs(x - y).max()) for x, y in zip(a, b))
    diff = min(float(np.abs(x - y).max()) for x, y in zip(a, c))
    print(d.name, 'same-seed max diff', same, 'other-seed min-over-outputs max diff', diff,
          'OK' if same == 0 and diff > 1e-6 else 'FAIL', [o.shape for o in a])
EOF
