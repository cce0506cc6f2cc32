"""Rebuilds runs/<name>/train_summary.json from a training log, for runs stopped by a time limit
before train.py could write it (e.g. a GPU call with a hard wall-clock limit). best.pt is the
checkpoint of the best validation AUC among the epochs that finished, so the summary records those
epochs only, and says the run was cut short.

    /usr/bin/python3 -m models.training.summary_from_log runs/<name> path/to/train.log
"""
import ast
import re
import sys
from pathlib import Path

from .data import manifest_hash
from .runtime import read_json, write_json


def main() -> None:
    run, log = Path(sys.argv[1]), Path(sys.argv[2])
    text = log.read_text()
    head = re.search(r'\] (\w+) torch (\S+): \d+ train crops \((\d+) items/epoch, (\d+) steps\), \d+ val items, (\d+) steps, (\d+) workers', text)
    if not head:
        sys.exit(f'{log}: no training header')
    device, torch_version, items, steps_per_epoch, total, workers = head.groups()
    history = [ast.literal_eval(m) for m in re.findall(r'epoch \d+ done: (\{.*\})', text)]
    if not history:
        sys.exit(f'{log}: no finished epoch')
    cfg = read_json(run / 'config.json')
    best = max(h['val_auc'] for h in history)
    seconds = round(sum(h['seconds'] for h in history), 1)
    summary = {
        'name': run.name, 'device': device, 'deviceName': 'NVIDIA H200' if device == 'cuda' else 'cpu',
        'torch': torch_version.rstrip(':'), 'threads': None, 'workers': int(workers),
        'batchSize': cfg['batch_size'], 'steps': history[-1]['step'], 'epochs': len(history),
        'stepsPerEpoch': int(steps_per_epoch), 'trainItemsPerEpoch': int(items), 'seconds': seconds,
        'computeMsPerStep': 'n/a', 'dataWaitMsPerStep': 'n/a',
        'secondsPerEpochMeasured': round(seconds / len(history), 1), 'secondsPerEpochExtrapolated': None,
        'bestValAuc': best, 'dataManifestSha256': manifest_hash(read_json(run / 'data_manifest.json')),
        'history': history,
        'stoppedEarly': f'time limit: {len(history)} of {cfg["epochs"]} scheduled epochs finished '
                        f'({history[-1]["step"]} of {total} steps; the cosine learning-rate schedule was set for all {total})',
    }
    write_json(run / 'train_summary.json', summary)
    print(run / 'train_summary.json', summary['stoppedEarly'], 'best val AUC', best)


if __name__ == '__main__':
    main()
