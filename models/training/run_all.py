"""The whole pipeline in one command: every family × head trained, calibrated, evaluated and exported
to models/<name>/, then leave-one-generator-out runs, their summary, the cards re-exported with it,
and check_onnx.mjs on the exported models.

    /usr/bin/python3 -m models.training.run_all --epochs 30 [--families resnet18,xception,efficientnet,mobilenet]
        [--heads dropout,bayes] [--logo-heads dropout] [--logo-generators a,b] [--no-logo] [--logo-epochs N]
        [--device auto]
        [--batch-size 128] [--workers -1] [--index PATH] [--max-steps N] [--out models] [--runs DIR]
        [--resume] [--config FILE] [--set key=value ...]

--resume skips training of runs whose best.pt exists (calibration, evaluation, export are redone).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import subprocess
import time
from pathlib import Path

from .calibrate import calibrate
from .config import FAMILIES, HERE, MODELS_DIR, RUNS_DIR, add_config_args, config_from_args
from .evaluate import evaluate, logo_summary, logo_table
from .export import export_run
from .runtime import run_dir, write_json
from .train import train


def train_eval(cfg, runs: Path, resume: bool, device: str) -> dict:
    name = cfg.resolved_name()
    run = run_dir(name, runs)
    t0 = time.time()
    if not (resume and (run / 'best.pt').exists()):
        for stale in run.glob('pred_*.npz'):
            stale.unlink()
        train(cfg, runs)
    cal = calibrate(run, device)
    ev = evaluate(run, device)
    return {'name': name, 'seconds': round(time.time() - t0, 1), 'auc': ev['auc'], 'temperature': cal['temperature'],
            'ece_before': ev['ece_before'], 'ece_after': ev['ece_after']}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(ap)
    ap.add_argument('--epochs', type=int, help='epochs per run (default: config, else 30)')
    ap.add_argument('--logo-epochs', type=int, help='epochs of the LOGO runs (default: --epochs)')
    ap.add_argument('--families', default=','.join(FAMILIES))
    ap.add_argument('--heads', default='dropout,bayes')
    ap.add_argument('--logo-heads', default='dropout', help='heads that get LOGO runs ("" for none)')
    ap.add_argument('--logo-generators', help='comma list (default: every generator)')
    ap.add_argument('--no-logo', action='store_true')
    ap.add_argument('--device', help='auto | cpu | cuda (default: config, else auto)')
    ap.add_argument('--batch-size', type=int)
    ap.add_argument('--workers', type=int)
    ap.add_argument('--threads', type=int)
    ap.add_argument('--index')
    ap.add_argument('--max-steps', type=int, help='cap steps per run (smoke tests)')
    ap.add_argument('--out', default=str(MODELS_DIR), help='where exported models go')
    ap.add_argument('--runs', default=str(RUNS_DIR))
    ap.add_argument('--resume', action='store_true')
    args = ap.parse_args(argv)
    base = config_from_args(args, epochs=args.epochs, device=args.device, batch_size=args.batch_size,
                            num_workers=args.workers, threads=args.threads, index=args.index, max_steps=args.max_steps)
    runs, out = Path(args.runs), Path(args.out)
    families = [f for f in args.families.split(',') if f]
    heads = [h for h in args.heads.split(',') if h]
    logo_heads = [] if args.no_logo else [h for h in args.logo_heads.split(',') if h]
    report: dict = {'started': time.strftime('%Y-%m-%d %H:%M:%S'), 'models': [], 'logo': []}
    t_all = time.time()

    shipped = []
    for fam in families:
        for head in heads:
            cfg = dataclasses.replace(base, family=fam, head=head, name='', hold_out=None).validate()
            report['models'].append(train_eval(cfg, runs, args.resume, base.device))
            shipped.append(run_dir(cfg.resolved_name(), runs))
            export_run(shipped[-1], out)
            write_json(runs / 'run_all_report.json', report)

    for head in logo_heads:
        for fam in families:
            for g in (args.logo_generators.split(',') if args.logo_generators else base.generators):
                cfg = dataclasses.replace(base, family=fam, head=head, name='', hold_out=g,
                                          epochs=args.logo_epochs or base.epochs).validate()
                report['logo'].append(train_eval(cfg, runs, args.resume, base.device))
                write_json(runs / 'run_all_report.json', report)
        print(logo_table(logo_summary(runs, head, families)))
    for run in shipped:  # again, now that logo.json exists for the cards
        export_run(run, out)

    report['seconds'] = round(time.time() - t_all, 1)
    write_json(runs / 'run_all_report.json', report)
    node = shutil.which('node')
    dirs = [str(out / r.name) for r in shipped]
    if node and dirs:
        rc = subprocess.run([node, str(HERE / 'check_onnx.mjs'), *dirs]).returncode
        report['checkOnnx'] = 'passed' if rc == 0 else f'failed (exit {rc})'
    else:
        report['checkOnnx'] = 'not run (no node): node models/training/check_onnx.mjs ' + ' '.join(dirs)
    write_json(runs / 'run_all_report.json', report)
    print(f'done in {report["seconds"]} s; check_onnx: {report["checkOnnx"]}')


if __name__ == '__main__':
    main()
