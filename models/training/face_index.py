"""The face-crop index of scripts/extract-crops.ts, with what training needs on top: the group
(person and source) of every clip, the split, and per-face labels.

Groups: a split never divides a group, so no person or source is on both sides.
    DeepFaceLive     `dfl:<celebrity model>`: a fake and its paired real stream, and every demo of
                     the same model (they may be the same streamer)
    talking heads    by the identity in the file name (`lianliru` for girl-/sad-lianliru, `A` for
                     edtalk A and facesr_A) or the clip itself
    photos           one group per photo source (`deepface-photos`): the same celebrities recur
    FF++             `ffpp:cyshih` (the anchor's real and fake), `ffpp:003`
    other clips      the clip itself

Splits (seeded hash of the group, stratified by generator so every generator has groups in each
split where it has enough): `train`, `calib` (temperatures, fusion, verdict policy) and `eval`
(reported, never fitted on).

Per-face labels (face_labels.py) replace the clip label of faces in DeepFaceLive fakes that are
pixel-for-pixel the untouched person of the paired real stream.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ('train', 'calib', 'eval')
# The 71 celebrity photos are one group (one source, recurring people); they hold more distinct
# people than any other group, which is what SBI training needs most, so they train.
PINNED = {'deepface-photos': 'train'}
FRACTIONS = {'train': 0.55, 'calib': 0.2, 'eval': 0.25}
# Every generator the corpus and the development media hold, as `method` in their manifests.
GENERATORS = ('deepfacelive-dfm', 'anitalker', 'edtalk', 'styleheat', 'aniportrait', 'ffpp-unknown', 'dfdc')


def group_of(clip: str, source: str) -> str:
    m = re.match(r'^(?:real_dfl-stream|fake_deepfacelive)_(.+?)(?:_\d+)?$', clip)
    if m:
        return f'dfl:{m.group(1)}'
    if clip.startswith('img_real_deepface'):
        return 'deepface-photos'
    if 'cyshih' in clip:
        return 'ffpp:cyshih'
    if clip.startswith('fake_anitalker_') and clip.endswith('lianliru'):
        return 'anitalker:lianliru'
    if clip in ('fake_edtalk_A', 'fake_edtalk_facesr_A'):
        return 'edtalk:A'
    return f'{source}:{clip}'


def _hash(s: str, seed: int) -> float:
    return int(hashlib.sha256(f'{seed}:{s}'.encode()).hexdigest()[:12], 16) / 16 ** 12


def assign_splits(groups: dict[str, str], seed: int = 0) -> dict[str, str]:
    """group → split. `groups` maps each group to its stratum (its generator, or 'real'). Within a
    stratum groups are ordered by a seeded hash and dealt out by the fractions; a stratum of one or
    two groups goes to eval first (held-out generators are what matters), then train."""
    by_stratum: dict[str, list[str]] = defaultdict(list)
    for g, s in groups.items():
        by_stratum[s].append(g)
    out: dict[str, str] = {}
    for s, gs in sorted(by_stratum.items()):
        out.update({g: PINNED[g] for g in gs if g in PINNED})
        gs = sorted((g for g in gs if g not in PINNED), key=lambda g: _hash(g, seed))
        n = len(gs)
        if n == 1:
            out[gs[0]] = 'eval'
            continue
        if n == 2:
            out[gs[0]], out[gs[1]] = 'eval', 'train'
            continue
        n_eval = max(1, round(FRACTIONS['eval'] * n))
        n_calib = max(1, round(FRACTIONS['calib'] * n))
        for i, g in enumerate(gs):
            out[g] = 'eval' if i < n_eval else 'calib' if i < n_eval + n_calib else 'train'
    return out


def split_groups(members, seed: int = 0) -> dict[str, str]:
    """group → split from (group, label, method) of every clip or face: a group's stratum is the
    generator of its fakes, or 'real' when it has none (see `assign_splits`)."""
    strata: dict[str, str] = {}
    for group, label, method in members:
        if label == 'fake':
            strata[group] = method
        else:
            strata.setdefault(group, 'real')
    return assign_splits(strata, seed)


@dataclass
class Face:
    file: str
    clip: str
    source: str
    kind: str
    label: str          # the clip's label: real, fake, real-filtered …
    method: str
    seq: int
    track: int
    landmarks: dict
    group: str = ''
    split: str = ''
    face_label: str = ''  # per-face: real | fake | unknown (excluded from training)
    extra: dict = field(default_factory=dict)

    @property
    def clip_track(self) -> str:
        return f'{self.clip}#{self.track}'


def load_faces(index: Path, seed: int = 0, labels: Path | None = None) -> list[Face]:
    faces = []
    for line in index.read_text().splitlines():
        r = json.loads(line)
        faces.append(Face(r['file'], r['clip'], r['source'], r['kind'], r['label'], r['method'], r['seq'],
                          r['trackId'], r['landmarks'], extra=r))
    for f in faces:
        f.group = group_of(f.clip, f.source)
    split = split_groups(((f.group, f.label, f.method) for f in faces), seed)
    per_face = json.loads(labels.read_text()) if labels and labels.exists() else {}
    lm_path = index.parent / 'landmarks68.json'
    lm68 = json.loads(lm_path.read_text()) if lm_path.exists() else {}
    for f in faces:
        if f.file in lm68:
            f.extra['landmarks68'] = lm68[f.file]
        f.split = split[f.group]
        if f.label == 'real':
            f.face_label = 'real'
        elif f.label == 'fake':
            # a paired fake's track the labeller could not match is unknown, not assumed fake
            f.face_label = per_face.get(f.clip_track, 'unknown' if f.clip.startswith('fake_deepfacelive_') else 'fake')
        else:
            f.face_label = 'unknown'  # e.g. the AR beauty filter: neither a deepfake nor untouched
    return faces
