"""Identity steadiness as the runtime measures it: every clip of the train, calib and eval sets
(eval_sets.py --splits train,calib,eval) through `fakescope analyze` with only the identity
detector, and each face track's consistency on every analysed frame (the latest window's mean
cosine, the detector's `consistency` measurement). identity_export.py fits its map on the train
split's values and reports the others.

The crop-index measurement (identity_stability.py: 10-fps crops saved as PNG, 24 from the middle of
each track) reads systematically lower (e.g. 0.977 against 0.988 on one real stream): the runtime
warps each crop straight from the full-rate frame with the tracker's smoothed landmarks. So the map
is fitted here, on the numbers the detector will see.

    /usr/bin/python3 -m models.training.eval_sets --splits train,calib,eval
    /usr/bin/python3 -m models.training.identity_runtime     # → cache/identity-runtime.json (≈ 12 min)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path


def analyse(clip: Path, config: Path, out: Path) -> dict:
    """Per track id: the consistency of every frame whose window is scored."""
    subprocess.run(['node', 'dist/src/cli/main.js', 'analyze', str(clip), '--config', str(config), '--detectors', 'identity',
                    '--out', str(out), '--quiet'], check=True)
    report = json.loads(out.read_text())
    tracks: dict = {}
    for frame in report.get('frames', []):
        for face in frame.get('faces', []):
            d = (face.get('detectors') or {}).get('identity') or {}
            c = (d.get('measurements') or {}).get('consistency')
            if d.get('state') == 'ok' and c is not None:
                tracks.setdefault(str(face['trackId']), []).append(c)
    return tracks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--sets', type=Path, default=Path('models/training/cache/sets'))
    ap.add_argument('--out', type=Path, default=Path('models/training/cache/identity-runtime.json'))
    args = ap.parse_args()
    done = json.loads(args.out.read_text()) if args.out.exists() else {}
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / 'config.json'
        config.write_text(json.dumps({'detectors': [{'type': 'identity'}]}))
        for split in ('train', 'calib', 'eval'):
            lines = (args.sets / split / 'manifest.tsv').read_text().strip().splitlines()[1:]
            for line in lines:
                file, label, method = line.split('\t')[:3]
                clip = file.rsplit('.', 1)[0]
                if clip in done:
                    continue
                done[clip] = {'split': split, 'label': label, 'method': method,
                              'tracks': analyse(args.sets / split / file, config, Path(tmp) / 'report.json')}
                args.out.write_text(json.dumps(done))
                print(f'{len(done)} {clip}: {len(done[clip]["tracks"])} tracks ({time.time() - t0:.0f} s)', flush=True)


if __name__ == '__main__':
    main()
