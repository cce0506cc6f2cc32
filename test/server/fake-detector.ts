import { Type } from '@sinclair/typebox';
import type { Detector, DetectorOutput } from '../../src/detectors/contract.js';
import type { DetectorRegistry } from '../../src/detectors/registry.js';
import { createRegistry } from '../../src/detectors/registry.js';
import { summarizeSamples } from '../../src/core/uncertainty.js';

/**
 * A scripted detector for server and page tests (no model): per face, 8 "MC samples" around a
 * slowly varying p(fake); between `spikeFrom` and `spikeTo` (frame seq) the samples disagree
 * strongly, which is an epistemic spike.
 */
export function scriptedRegistry(spikeFrom = 30, spikeTo = 45): DetectorRegistry {
  return createRegistry([
    {
      type: 'scripted',
      description: 'test detector',
      schema: Type.Object({ type: Type.Literal('scripted'), name: Type.Optional(Type.String()) }),
      create: async (config: { name?: string }) => scripted(config.name ?? 'scripted', spikeFrom, spikeTo),
    },
  ]);
}

function scripted(name: string, spikeFrom: number, spikeTo: number): Detector {
  return {
    name,
    family: 'blind',
    warmup: async () => undefined,
    infer: async ({ frame, faces }) => {
      const out = new Map<number, DetectorOutput>();
      const spike = frame.seq >= spikeFrom && frame.seq < spikeTo;
      for (const f of faces) {
        const centre = 0.25 + 0.1 * Math.sin(frame.seq / 10);
        const samples = Array.from({ length: 8 }, (_, i) => (spike ? (i % 2 ? 0.9 : 0.1) : centre + 0.02 * ((i % 3) - 1)));
        out.set(f.trackId, { state: 'ok', pFake: summarizeSamples(samples)?.mean ?? null, uncertainty: summarizeSamples(samples) });
      }
      return out;
    },
    endTrack: () => undefined,
    dispose: async () => undefined,
  };
}
