import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { Detector, DetectorContext } from '../../src/detectors/contract.js';
import type { DetectorRegistration } from '../../src/detectors/registry.js';
import { createDetectors, createRegistry, defineDetector } from '../../src/detectors/registry.js';
import type { OnnxSessionFactory } from '../../src/detectors/onnx/session.js';

const ctx: DetectorContext = { sessions: {} as OnnxSessionFactory, seed: 1, modelsDir: '/nonexistent' };

function fakeRegistration(log: string[], failWarmup = false): DetectorRegistration {
  return defineDetector({
    type: 'constant',
    description: 'answers a fixed probability',
    schema: Type.Object(
      { type: Type.Literal('constant'), name: Type.Optional(Type.String()), p: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }) },
      { additionalProperties: false },
    ),
    create: async (config) => {
      const name = config.name ?? 'constant';
      log.push(`create ${name} p=${config.p}`);
      const d: Detector = {
        name,
        family: 'blind',
        warmup: async () => {
          log.push(`warmup ${name}`);
          if (failWarmup) throw new Error('warm-up failed');
        },
        infer: async () => new Map(),
        endTrack: () => undefined,
        dispose: async () => {
          log.push(`dispose ${name}`);
        },
      };
      return d;
    },
  });
}

describe('detector registry', () => {
  it('creates, defaults and warms up detectors in config order', async () => {
    const log: string[] = [];
    const reg = createRegistry([fakeRegistration(log)]);
    const entries = [{ type: 'constant' }, { type: 'constant', name: 'b', p: 0.9 }] as { type: string; name?: string }[];
    const ds = await createDetectors(reg, entries, ctx);
    expect(ds.map((d) => d.name)).toEqual(['constant', 'b']);
    expect(log).toEqual(['create constant p=0.5', 'warmup constant', 'create b p=0.9', 'warmup b']);
  });

  it.each([
    [[{ type: 'nope' }], /unknown detector type "nope" \(known: constant\)/],
    [[{ type: 'constant' }, { type: 'constant' }], /two detectors are named "constant"/],
    [[{ type: 'constant', p: 2 }], /invalid detector "constant": \/p/],
    [[{ type: 'constant', extra: true }], /invalid detector "constant": \/extra/],
  ])('refuses %j', async (entries, message) => {
    await expect(createDetectors(createRegistry([fakeRegistration([])]), entries, ctx)).rejects.toThrow(message);
  });

  it('disposes the detectors it created when a later one fails', async () => {
    const log: string[] = [];
    const ok = fakeRegistration(log);
    const bad = { ...fakeRegistration(log, true), type: 'bad', schema: Type.Object({ type: Type.Literal('bad'), name: Type.Optional(Type.String()) }) };
    await expect(createDetectors(createRegistry([ok, bad]), [{ type: 'constant' }, { type: 'bad', name: 'x' }], ctx)).rejects.toThrow('warm-up failed');
    expect(log).toContain('dispose constant');
    expect(log).toContain('dispose x');
  });

  it('refuses to register a type twice', () => {
    expect(() => createRegistry([fakeRegistration([]), fakeRegistration([])])).toThrow(/registered twice/);
  });
});
