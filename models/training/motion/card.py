#!/usr/bin/python3
"""Writes models/motion/MODEL_CARD.md and models/motion-bnn/MODEL_CARD.md from their manifests and
the training report (models/training/cache/motion/report.json, written by train.py):

    PYTHONPATH=. /usr/bin/python3 -m models.training.motion.card

Every number in the cards comes from those two files.
"""
from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from models.training.model_card import num, write_card

ROOT = Path(__file__).resolve().parents[3]
REPORT = ROOT / 'models' / 'training' / 'cache' / 'motion' / 'report.json'


# The motion cards have always shown a missing value as an em dash.
f3 = partial(num, missing='—')


def card_lines(name: str, variant: str, report: dict) -> list[str]:
    m = json.loads((ROOT / 'models' / name / 'manifest.json').read_text())
    r = report[variant]
    ev = r['eval']
    ds = report['dataset']
    tr = m['training']
    noise = m['mc']['inputs'][0]
    lines = [
        f'# Motion classifier (`models/{name}`)',
        '',
        'Second biological-signal detector of fakescope (after Ciftci & Demir, "How Do Deepfakes Move?", arXiv 2212.14033): '
        'a small MLP over the motion map of a 2.13-s face window (phase-based motion of 16 cells x 2 directions of the landmark-aligned '
        'face: velocity spectra and low-band / facial-action-band magnified-motion RMS) and 20 landmark-dynamics features, with a fake head '
        f'and a generator head, and {"Bayesian weight noise (mean-field Gaussian second layer)" if m["head"] == "bayesian" else "Monte Carlo dropout"}. '
        'Method, whole-analyzer results and limits: [docs/motion.md](../../docs/motion.md).',
        '',
        f'- file `model.onnx`, {m["bytes"]} bytes, sha256 `{m["sha256"]}`, {m["parameters"]} parameters, opset {m["opset"]}',
        f'- inputs `motion_map` {m["inputs"]["map"]["shape"]}, `features` {m["inputs"]["features"]["shape"]}, `noise` {noise["shape"]} '
        f'({noise["distribution"]}{", rate " + str(noise["rate"]) if "rate" in noise else ""}, drawn by the caller from a seeded PRNG); '
        f'outputs `logits` [N, T], `generator_logits` [N, T, {len(m["outputs"]["generator"]["classes"])}]',
        f'- generator classes: {", ".join(m["outputs"]["generator"]["classes"])}',
        f'- temperature {m["calibration"]["temperature"]:.3f} (fitted on the calib split), applied to each sample\'s fake logit; '
        f'ECE (15 bins, eval split, classes weighted equally) {f3(m["calibration"]["ece_before"])} before, {f3(m["calibration"]["ece_after"])} after',
        f'- trained by `models/training/motion/train.py` (seed {tr["seed"]}, {tr["seconds"]} s on CPU, best epoch {tr["bestEpoch"]} of {tr["epochs"]}), '
        f'windows from `scripts/motion-dataset.ts` (dataset sha256 `{ds["sha256"][:16]}…`)',
        '- licence: the weights are fakescope\'s (Apache-2.0); the footage they were fitted on is research-only third-party material (../shared/corpus/README.md) and is not distributed',
        '',
        '## What it saw',
        '',
        'Every video of `../shared/corpus` and `../shared/media` (photos are stills: nothing to measure), through the analyzer\'s own ingest '
        '(640 px wide, every frame), face stage (BlazeFace, detection every 3 frames, tracker) and the detector\'s own sampler and window '
        '(hop 0.25 s for training rows); the main face track of each clip. The AR-beauty-filter clip (`real-filtered`) is neither class and is left out. '
        'Labels are per clip: in DeepFaceLive demos where only one of two people is swapped the main track may be the untouched one (a known source of label noise).',
        '',
        'Split by group (person, source, DeepFaceLive pair; `models/training/face_index.py`), the same train / calib / eval split as the blind detectors:',
        '',
        '| split | windows | clips | groups |',
        '|---|---|---|---|',
    ]
    for s in ('train', 'calib', 'eval'):
        sp = ds['splits'][s]
        lines.append(f'| {s} | {sp["windows"]} | {sp["clips"]} | {len(sp["groups"])} |')
    lines += [
        '',
        '## Held-out results (eval split: people and sources never trained or calibrated on)',
        '',
        f'{ev["windows"]} windows ({ev["realWindows"]} real, {ev["fakeWindows"]} fake) of {ev["clips"]} clips ({ev["realClips"]} real, {ev["fakeClips"]} fake); '
        'clip score = mean p(fake) over its windows.',
        '',
        '| measure | value |',
        '|---|---|',
        f'| window AUC | {f3(ev["windowAuc"])} |',
        f'| clip AUC | {f3(ev["clipAuc"])} |',
        f'| window accuracy at 0.5 (classes weighted equally) | {f3(ev["windowAccuracy"])} |',
        f'| ECE, 15 bins | {f3(ev["ece"])} (uncalibrated {f3(ev["eceUncalibrated"])}) |',
        f'| mean epistemic / aleatoric (nats) | {f3(ev["meanEpistemic"])} / {f3(ev["meanAleatoric"])} |',
        f'| source attribution, clip top class (real + generators) | {f3(ev["attribution"]["clipAccuracy"])} ({ev["attribution"]["clips"]} clips) |',
        f'| source attribution, fake clips only | {f3(ev["attribution"]["fakeClipAccuracy"])} ({ev["attribution"]["fakeClips"]} clips) |',
        '',
        'Per generator (its eval fakes against all eval reals):',
        '',
        '| generator | fake clips | fake windows | window AUC | clip AUC |',
        '|---|---|---|---|---|',
    ]
    for g, v in ev['perGenerator'].items():
        lines.append(f'| {g} | {v["fakeClips"]} | {v["fakeWindows"]} | {f3(v["windowAuc"])} | {f3(v["clipAuc"])} |')
    if 'logo' in report and variant == 'mcd':
        lines += [
            '',
            '## Leave-one-generator-out (MC-dropout recipe)',
            '',
            'For each generator G, the same recipe trained without any G window (train / calib splits minus G), scoring every G window of every split against the eval reals:',
            '',
            '| held-out generator | fake clips | window AUC | clip AUC | G clips at p ≥ 0.5 | G clips attributed to |',
            '|---|---|---|---|---|---|',
        ]
        for g, v in report['logo'].items():
            att = ', '.join(f'{k} {n}' for k, n in sorted(v['attributedTo'].items(), key=lambda kv: -kv[1]))
            lines.append(f'| {g} | {v["fakeClips"]} | {f3(v["windowAuc"])} | {f3(v["clipAuc"])} | {v["fakeClipsAboveHalf"]} / {v["fakeClips"]} | {att} |')
    lines += [
        '',
        '## Limits',
        '',
        '- Small data: 150 clips, a handful per talking-head generator; per-generator numbers on 1–2 eval clips are anecdotes, not estimates.',
        '- Face swaps that keep the driver\'s real motion (DeepFaceLive) are barely separated from real faces by motion alone; talking-head generators, which synthesise the motion, are.',
        '- Trained with the default face stage (BlazeFace keypoints, `faces.detectEvery` 3, analysis every frame at 640 px): other settings change the landmark dynamics the model saw.',
        '- `insufficient` on windows still filling (2.13 s), on frozen or still faces (docs/motion.md), never a p(fake) then.',
        '',
    ]
    return lines


def main():
    report = json.loads(REPORT.read_text())
    for name, variant in (('motion', 'mcd'), ('motion-bnn', 'bnn')):
        path = ROOT / 'models' / name / 'MODEL_CARD.md'
        write_card(path, card_lines(name, variant, report))
        print('wrote', path)


if __name__ == '__main__':
    main()
