/**
 * The layer rule of src/, written down as data (`LAYERING`), and its check. Run by `npm run lint`:
 *
 *   node dist/scripts/check-imports.js [--root DIR]
 *
 * Exits 1, listing each problem, when
 *  - a unit of src/ (a folder, or a module directly in src/) imports one that its row of
 *    `LAYERING.units` does not allow (an upward import), or anything outside src/;
 *  - the imports form a cycle: within every folder, its entries (modules, and subfolders taken as a
 *    whole) must import each other without a cycle, so there is no cycle between modules nor
 *    between folders;
 *  - an import names a relative file that does not exist, or an entry of `exceptions` no longer
 *    occurs (delete it).
 * Every import counts, `import type` included: a type import couples the two modules as much as any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

export interface Layering {
  /** The folder whose entries are the units, relative to the repository root. */
  readonly root: string;
  /**
   * Each unit (an entry of `root`: a folder, or a module such as `app.ts`) and what it may import
   * besides itself. A target is a unit, or a module or folder inside one (`detectors/contract.ts`):
   * then only that part of the unit. Every entry of `root` must have a row.
   */
  readonly units: Readonly<Record<string, readonly string[]>>;
  /** Folders beside `root` that may import anything in it and each other (scripts, benchmarks); `root` imports none of them. */
  readonly tools: readonly string[];
  /**
   * Imports that break the rule today, each `[from, to]` (paths relative to the repository root),
   * allowed until the work that removes them lands; one that no longer occurs is an error, so the
   * list only shrinks.
   */
  readonly exceptions: readonly (readonly [string, string])[];
}

/** Bottom to top: each unit may import only those listed on its row (and itself). */
export const LAYERING: Layering = {
  root: 'src',
  units: {
    // Shared value types and pure math: frames, boxes, faces, alignment, sampling, uncertainty.
    core: [],
    'errors.ts': [],
    'version.ts': [],
    ingest: ['core', 'errors.ts'],
    config: ['core', 'errors.ts', 'ingest'],
    detectors: ['core', 'errors.ts', 'config'],
    pipeline: ['core', 'errors.ts', 'ingest', 'config', 'detectors/contract.ts', 'detectors/registry.ts'],
    render: ['core', 'pipeline'],
    report: ['core', 'pipeline', 'render'],
    // The composition root.
    'app.ts': ['core', 'errors.ts', 'version.ts', 'ingest', 'config', 'detectors', 'pipeline'],
    eval: ['core', 'errors.ts', 'version.ts', 'ingest', 'config', 'detectors', 'pipeline', 'app.ts'],
    server: ['core', 'errors.ts', 'version.ts', 'ingest', 'config', 'detectors', 'pipeline', 'report', 'render', 'app.ts'],
    cli: ['core', 'errors.ts', 'version.ts', 'ingest', 'config', 'detectors', 'pipeline', 'report', 'render', 'app.ts', 'eval', 'server'],
  },
  tools: ['scripts', 'bench'],
  exceptions: [],
};

/** One relative import: the importing file and the file it names, both relative to the repository root. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** Module paths relative to the repository root, posix separators, and their relative imports. */
export interface ImportGraph {
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
}

/** Reads every .ts/.mts file under the given folders of `repoRoot` and resolves its relative imports. */
export function readImportGraph(repoRoot: string, folders: readonly string[]): ImportGraph {
  const files = folders.flatMap((f) => listSources(repoRoot, f)).sort();
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const targets = new Set<string>();
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue; // a package or a node: built-in
      targets.add(resolveSpecifier(file, ref.fileName, (p) => known.has(p) || existsSync(join(repoRoot, p))));
    }
    for (const to of [...targets].sort()) edges.push({ from: file, to });
  }
  return { files, edges };
}

function listSources(repoRoot: string, folder: string): string[] {
  const abs = join(repoRoot, folder);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const name of readdirSync(abs).sort()) {
    const rel = posix.join(folder, name);
    if (statSync(join(abs, name)).isDirectory()) out.push(...listSources(repoRoot, rel));
    else if (/\.m?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** `./x.js` as written in NodeNext TypeScript names `./x.ts`; a name that exists as written stays. */
function resolveSpecifier(from: string, spec: string, exists: (p: string) => boolean): string {
  const p = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = [p.replace(/\.js$/, '.ts'), p.replace(/\.mjs$/, '.mts'), p, `${p}.ts`, posix.join(p, 'index.ts')];
  return candidates.find(exists) ?? p;
}

/** Checks `graph` against `layering`; returns one line per problem, none when all is well. */
export function checkImports(graph: ImportGraph, layering: Layering, exists: (p: string) => boolean = () => true): string[] {
  const problems: string[] = [];
  const files = new Set(graph.files);
  const excepted = new Map(layering.exceptions.map(([f, t]) => [`${f} → ${t}`, false]));
  const root = layering.root;
  const unitOf = (p: string): string | null => (p.startsWith(`${root}/`) ? (p.slice(root.length + 1).split('/')[0] as string) : null);

  const units = new Set(graph.files.map(unitOf).filter((u): u is string => u !== null));
  const unplaced = new Set([...units].filter((u) => !(u in layering.units)));
  for (const u of [...unplaced].sort()) {
    problems.push(`${root}/${u} has no row in the layering (LAYERING.units in scripts/check-imports.ts): say what it may import`);
  }
  for (const u of Object.keys(layering.units).filter((x) => !units.has(x))) {
    problems.push(`LAYERING.units has a row for ${root}/${u}, which holds no module (delete the row)`);
  }

  for (const e of graph.edges) {
    if (!files.has(e.to) && !exists(e.to)) problems.push(`${e.from} imports ${e.to}, which does not exist`);
    const why = layerViolation(e, layering, unitOf);
    if (why === null) continue;
    const key = `${e.from} → ${e.to}`;
    if (excepted.has(key)) {
      excepted.set(key, true);
      continue;
    }
    if (unplaced.has(unitOf(e.from) ?? '')) continue;
    problems.push(`upward import: ${key} (${why})`);
  }
  for (const [key, seen] of excepted) {
    if (!seen) problems.push(`exception no longer needed: ${key} (delete it from LAYERING.exceptions in scripts/check-imports.ts)`);
  }
  // An excepted import is reported by the list itself; the cycle it may close is the same problem.
  problems.push(...findCycles({ files: graph.files, edges: graph.edges.filter((e) => !excepted.has(`${e.from} → ${e.to}`)) }));
  return problems;
}

function layerViolation(e: ImportEdge, layering: Layering, unitOf: (p: string) => string | null): string | null {
  const root = layering.root;
  const fromUnit = unitOf(e.from);
  const toUnit = unitOf(e.to);
  if (fromUnit === null) {
    const tool = e.from.split('/')[0] as string;
    if (!layering.tools.includes(tool)) return null; // not a checked folder (tests may import anything)
    const toTop = e.to.split('/')[0] as string;
    return toUnit !== null || layering.tools.includes(toTop) ? null : `${tool}/ may import ${root}/ and ${layering.tools.join('/, ')}/ only`;
  }
  if (toUnit === null) return `${root}/ imports nothing outside it`;
  if (toUnit === fromUnit) return null;
  const allowed = layering.units[fromUnit] ?? [];
  const inside = e.to.slice(root.length + 1);
  if (allowed.some((a) => inside === a || inside.startsWith(`${a}/`))) return null;
  return `${fromUnit} may import ${allowed.length > 0 ? allowed.join(', ') : 'nothing of ours'}`;
}

/**
 * Cycles among the entries of each folder: an import a → b adds, in the deepest folder holding
 * both, the edge (entry holding a) → (entry holding b). Any cycle of modules shows up at the
 * deepest folder holding all of its modules, so this finds module cycles as well as folder ones.
 */
function findCycles(graph: ImportGraph): string[] {
  const files = new Set(graph.files);
  // folder → entry → entry → an example import behind the edge
  const byFolder = new Map<string, Map<string, Map<string, ImportEdge>>>();
  for (const e of graph.edges) {
    if (!files.has(e.to)) continue;
    const a = e.from.split('/');
    const b = e.to.split('/');
    let i = 0;
    while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
    const folder = a.slice(0, i).join('/') || '.';
    const na = a[i] as string;
    const nb = b[i] as string;
    if (na === nb) continue; // a module importing itself would land here; tsc already refuses that
    const entries = byFolder.get(folder) ?? new Map<string, Map<string, ImportEdge>>();
    byFolder.set(folder, entries);
    const out = entries.get(na) ?? new Map<string, ImportEdge>();
    entries.set(na, out);
    if (!out.has(nb)) out.set(nb, e);
  }
  const problems: string[] = [];
  for (const [folder, entries] of [...byFolder].sort(([x], [y]) => x.localeCompare(y))) {
    for (const component of stronglyConnected(entries)) {
      if (component.length < 2) continue;
      const path = cycleThrough(component, entries);
      const shown = path.map((n) => (folder === '.' ? n : `${folder}/${n}`));
      const evidence = path.map((n, k) => {
        const e = entries.get(n)?.get(path[(k + 1) % path.length] as string) as ImportEdge;
        return `${e.from} → ${e.to}`;
      });
      problems.push(`import cycle: ${[...shown, shown[0]].join(' → ')} (${evidence.join('; ')})`);
    }
  }
  return problems;
}

/** Tarjan's strongly connected components of a small directed graph. */
function stronglyConnected(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** A shortest cycle through the first node of a strongly connected component (breadth-first). */
function cycleThrough(component: readonly string[], graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[] {
  const inside = new Set(component);
  const start = component[0] as string;
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0] as string) as string);
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component];
}

/** The whole check of a repository: src/ and the tool folders of `layering`. */
export function checkRepository(repoRoot: string, layering: Layering = LAYERING): string[] {
  const graph = readImportGraph(repoRoot, [layering.root, ...layering.tools]);
  return checkImports(graph, layering, (p) => existsSync(join(repoRoot, p)));
}

function main(): void {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  // dist/scripts/check-imports.js → the repository root two folders up.
  const repoRoot = values.root ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const problems = checkRepository(repoRoot);
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) {
    process.stderr.write(`check-imports: ${problems.length} problem(s) in ${relative(process.cwd(), repoRoot).split(sep).join('/') || '.'}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1]?.endsWith('check-imports.js')) main();
