import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type * as ort from 'onnxruntime-node';
import type { OnnxSession } from './session.js';

/**
 * Checks every manifest-described ONNX model goes through before use: the file is the one the
 * manifest names (SHA-256 and size), and the graph has exactly the inputs and outputs the manifest
 * lists, with their shapes where ONNX Runtime reports them. Failures are returned as one-line
 * reasons; callers wrap them in their coded error.
 */
export function sha256File(path: string): { readonly hex: string; readonly bytes: number } {
  const data = readFileSync(path);
  return { hex: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

/** Why `file` does not match the manifest's sha256/bytes, or null when it does. */
export function fileMismatch(path: string, name: string, sha256: string, bytes: number): string | null {
  const got = sha256File(path);
  if (got.hex === sha256 && got.bytes === bytes) return null;
  return `${name} does not match the manifest (sha256 ${got.hex.slice(0, 12)}…, ${got.bytes} bytes; expected ${sha256.slice(0, 12)}…, ${bytes} bytes)`;
}

/**
 * Why the session's graph does not have these inputs (name → shape, symbolic dims as strings) and
 * outputs, or null. A symbolic dim on either side matches any size.
 */
export function graphMismatch(session: Pick<OnnxSession, 'inputNames' | 'outputNames'>, inputs: ReadonlyMap<string, readonly (string | number)[]>, outputs: readonly string[]): string | null {
  for (const name of inputs.keys()) {
    if (!session.inputNames.includes(name)) return `the ONNX graph has no input "${name}" (inputs: ${session.inputNames.join(', ')})`;
  }
  if (session.inputNames.length !== inputs.size) return `the ONNX graph has inputs [${session.inputNames.join(', ')}], the manifest lists ${inputs.size}`;
  for (const name of outputs) if (!session.outputNames.includes(name)) return `the ONNX graph has no output "${name}"`;
  const metadata = (session as { inputMetadata?: readonly ort.InferenceSession.ValueMetadata[] }).inputMetadata ?? [];
  for (const meta of metadata) {
    const shape = inputs.get(meta.name);
    if (!shape || !meta.isTensor) continue;
    if (meta.type !== 'float32') return `input "${meta.name}" is ${meta.type}, expected float32`;
    if (meta.shape.length === 0) continue;
    const ok = meta.shape.length === shape.length && meta.shape.every((d, i) => typeof d !== 'number' || typeof shape[i] !== 'number' || d === shape[i]);
    if (!ok) return `input "${meta.name}" has shape [${meta.shape.join(', ')}], the manifest says [${shape.join(', ')}]`;
  }
  return null;
}

/** The `calibration` block of a classifier manifest: a fitted temperature and what it was fitted on, or null. */
export const TemperatureCalibrationSchema = Type.Union([
  Type.Null(),
  Type.Object(
    {
      method: Type.Literal('temperature'),
      temperature: Type.Number({ exclusiveMinimum: 0 }),
      appliesTo: Type.String(),
      fittedOn: Type.String(),
      eceBins: Type.Integer(),
      eceSplit: Type.String(),
      ece_before: Type.Number(),
      ece_after: Type.Number(),
    },
    { additionalProperties: false },
  ),
]);
