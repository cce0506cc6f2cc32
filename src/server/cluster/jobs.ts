import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The BullMQ job of one analysis (queue `analyses`, job id = analysis id). An upload names its
 * file in the shared directory by sha256; a URL is the stream itself (Redis holds it: keep Redis
 * private). `takeovers` grows each time a worker finds the analysis cut off by a dead worker.
 */
export const AnalysisJob = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    kind: Type.Union([Type.Literal('upload'), Type.Literal('url')]),
    /** sha256 of the upload, or the URL. */
    input: Type.String({ minLength: 1 }),
    display: Type.String(),
    detectors: Type.Optional(Type.Array(Type.String())),
    live: Type.Optional(Type.Boolean()),
    takeovers: Type.Optional(
      Type.Array(
        Type.Object({ at: Type.String(), by: Type.String(), afterSeq: Type.Integer(), mode: Type.Union([Type.Literal('restart'), Type.Literal('continue')]) }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type AnalysisJob = Static<typeof AnalysisJob>;

/** A job's data as an AnalysisJob, or a one-line reason it is not one. Pure. */
export function parseJob(data: unknown): AnalysisJob | string {
  if (Value.Check(AnalysisJob, data)) return data;
  const first = [...Value.Errors(AnalysisJob, data)][0];
  return `not an analysis job (${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'})`;
}

/** A stop request on the control channel. */
export interface ControlMsg {
  readonly type: 'stop';
  readonly id: string;
}

export function parseControl(text: string): ControlMsg | null {
  try {
    const v = JSON.parse(text) as Partial<ControlMsg>;
    return v.type === 'stop' && typeof v.id === 'string' ? { type: 'stop', id: v.id } : null;
  } catch {
    return null;
  }
}

export const FINAL_STATUSES: readonly string[] = ['done', 'failed', 'stopped', 'interrupted'];
