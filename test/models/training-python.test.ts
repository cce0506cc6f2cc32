import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The training scripts' own tests that need no torch (numpy, scipy and PIL only): the
 * Self-Blended-Images recipe (masks, blend ratios, pairing, determinism under a seed) and the
 * per-face labels of fake clips, the identity-steadiness map, the fused leave-one-generator-out table. CI installs those Debian packages (.ci/run), so there this never
 * skips; elsewhere it skips with the reason when /usr/bin/python3 lacks them.
 */
const PY = '/usr/bin/python3';
const probe = existsSync(PY) ? spawnSync(PY, ['-c', 'import numpy, scipy.ndimage, PIL'], { encoding: 'utf8' }) : null;
const ready = probe?.status === 0;
const why = ready ? '' : `${PY} with numpy, scipy and PIL is needed (apt-get install python3-numpy python3-scipy python3-pil)`;
if (!ready && process.env.CI) throw new Error(`CI must run the training-script tests: ${why}`);
if (!ready) console.warn(`skipping the training-script tests: ${why}`);

describe.skipIf(!ready)('training scripts (python unittest)', () => {
  for (const mod of [
    'models.training.tests.test_sbi',
    'models.training.tests.test_face_labels',
    'models.training.tests.test_metrics',
    'models.training.tests.test_model_card',
    'models.training.tests.test_biological',
    'models.training.tests.test_identity_map',
    'models.training.tests.test_fused_logo',
  ]) {
    it(mod, () => {
      const r = spawnSync(PY, ['-m', 'unittest', '-v', mod], { encoding: 'utf8', timeout: 240_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stderr).toMatch(/OK/);
    }, 250_000);
  }
});
