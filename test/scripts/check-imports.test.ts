import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Layering } from '../../scripts/check-imports.js';
import { checkRepository } from '../../scripts/check-imports.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** base ← mid ← top, and a tool folder above them all. */
const LAYERS: Layering = {
  root: 'src',
  units: { base: [], 'errors.ts': [], mid: ['base', 'errors.ts'], top: ['mid', 'base/shared.ts'] },
  tools: ['scripts'],
  exceptions: [],
};

/** A clean tree: every import goes down the layers, no cycles. */
const CLEAN: Record<string, string> = {
  'src/errors.ts': 'export class E extends Error {}\n',
  'src/base/shared.ts': "export interface Box { x: number }\n",
  'src/base/math.ts': "import type { Box } from './shared.js';\nexport const area = (b: Box) => b.x;\n",
  'src/mid/stage.ts': "import { area } from '../base/math.js';\nimport { E } from '../errors.js';\nexport const run = () => (area({ x: 1 }) > 0 ? 1 : new E());\n",
  'src/mid/parts/step.ts': "import type { Box } from '../../base/shared.js';\nexport type Step = Box;\n",
  'src/top/main.ts': "import { run } from '../mid/stage.js';\nimport type { Box } from '../base/shared.js';\nexport const main = (b: Box) => run() && b;\n",
  'scripts/tool.ts': "import { main } from '../src/top/main.js';\nmain({ x: 1 });\n",
};

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('check-imports', () => {
  it('passes a tree whose imports go down the layers without cycles', () => {
    expect(checkRepository(tree(CLEAN), LAYERS)).toEqual([]);
  });

  it('fails an upward import and a cycle, naming the files', () => {
    const problems = checkRepository(
      tree({
        ...CLEAN,
        // upward: base may import nothing
        'src/base/math.ts': "import type { Box } from './shared.js';\nimport { run } from '../mid/stage.js';\nexport const area = (b: Box) => b.x + Number(run());\n",
        // a cycle between two modules of one folder
        'src/mid/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'src/mid/b.ts': "import type { a } from './a.js';\nexport const b: typeof a | null = null;\n",
      }),
      LAYERS,
    );
    expect(problems).toContain('upward import: src/base/math.ts → src/mid/stage.ts (base may import nothing of ours)');
    expect(problems).toContain('import cycle: src/base → src/mid → src/base (src/base/math.ts → src/mid/stage.ts; src/mid/parts/step.ts → src/base/shared.ts)');
    expect(problems).toContain('import cycle: src/mid/a.ts → src/mid/b.ts → src/mid/a.ts (src/mid/a.ts → src/mid/b.ts; src/mid/b.ts → src/mid/a.ts)');
    expect(problems).toHaveLength(3);
  });

  it('allows only the named part of a unit, and keeps src/ away from the tools', () => {
    const problems = checkRepository(
      tree({
        ...CLEAN,
        'src/top/other.ts': "import { area } from '../base/math.js';\nimport '../../scripts/tool.js';\nexport const x = area;\n",
      }),
      LAYERS,
    );
    expect(problems).toEqual([
      'upward import: src/top/other.ts → scripts/tool.ts (src/ imports nothing outside it)',
      'upward import: src/top/other.ts → src/base/math.ts (top may import mid, base/shared.ts)',
      'import cycle: scripts → src → scripts (scripts/tool.ts → src/top/main.ts; src/top/other.ts → scripts/tool.ts)',
    ]);
  });

  it('asks for a row for a new unit, and for stale exceptions and rows to be deleted', () => {
    const problems = checkRepository(tree({ ...CLEAN, 'src/extra/x.ts': 'export const x = 1;\n' }), {
      ...LAYERS,
      units: { ...LAYERS.units, gone: [] },
      exceptions: [['src/top/main.ts', 'src/base/math.ts']],
    });
    expect(problems).toEqual([
      'src/extra has no row in the layering (LAYERING.units in scripts/check-imports.ts): say what it may import',
      'LAYERING.units has a row for src/gone, which holds no module (delete the row)',
      'exception no longer needed: src/top/main.ts → src/base/math.ts (delete it from LAYERING.exceptions in scripts/check-imports.ts)',
    ]);
  });

  it('finds a cycle between folders that no single module pair shows', () => {
    const problems = checkRepository(
      tree({
        ...CLEAN,
        'src/mid/parts/step.ts': "import { run } from '../stage.js';\nexport const step = run;\n",
        'src/mid/stage.ts': "import { area } from '../base/math.js';\nimport { E } from '../errors.js';\nimport type {} from './parts/other.js';\nexport const run = () => (area({ x: 1 }) > 0 ? 1 : new E());\n",
        'src/mid/parts/other.ts': 'export {};\n',
      }),
      LAYERS,
    );
    expect(problems).toEqual([
      'import cycle: src/mid/parts → src/mid/stage.ts → src/mid/parts (src/mid/parts/step.ts → src/mid/stage.ts; src/mid/stage.ts → src/mid/parts/other.ts)',
    ]);
  });

  it('passes on this repository (the same check as `npm run lint`)', () => {
    expect(checkRepository(REPO)).toEqual([]);
  });
});
