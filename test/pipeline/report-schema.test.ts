import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Attribution, DetectorOutput, UncertaintyMap } from '../../src/detectors/contract.js';
import type { MediaInfo } from '../../src/ingest/index.js';
import type { SourceEstimate } from '../../src/pipeline/attribution.js';
import type { Box, FaceLandmarks, Point } from '../../src/core/geometry.js';
import { ReportSchema } from '../../src/pipeline/report-schema.js';
import type { SegmentFeatures } from '../../src/pipeline/segment-features.js';
import type { UncertaintyStats } from '../../src/core/uncertainty.js';
import type * as values from '../../src/pipeline/value-schemas.js';
import type { UncertainSegment, Verdict, VerdictPolicy, VerdictResult, VerdictWhy, VideoScore } from '../../src/pipeline/verdict.js';
import type { ConfidenceLevel, PlainVerdict } from '../../src/pipeline/plain-language.js';
import { reportWithEverything } from '../helpers/built-report.js';

/** The deeply readonly static type of a schema, as the report's types are derived. */
type Of<S extends TSchema> = values.Immutable<Static<S>>;

describe('value schemas', () => {
  it('have exactly the types of the interfaces they mirror (checked by `npm run typecheck`)', () => {
    expectTypeOf<Of<typeof values.PointSchema>>().toEqualTypeOf<values.Immutable<Point>>();
    expectTypeOf<Of<typeof values.BoxSchema>>().toEqualTypeOf<values.Immutable<Box>>();
    expectTypeOf<Of<typeof values.FaceLandmarksSchema>>().toEqualTypeOf<values.Immutable<FaceLandmarks>>();
    expectTypeOf<Of<typeof values.UncertaintySchema>>().toEqualTypeOf<values.Immutable<UncertaintyStats>>();
    expectTypeOf<Of<typeof values.UncertaintyMapSchema>>().toEqualTypeOf<values.Immutable<UncertaintyMap>>();
    expectTypeOf<Of<typeof values.DetectorAttributionSchema>>().toEqualTypeOf<values.Immutable<Attribution>>();
    expectTypeOf<Of<typeof values.DetectorStateSchema>>().toEqualTypeOf<DetectorOutput['state']>();
    expectTypeOf<Of<typeof values.DetectorOutputSchema>>().toEqualTypeOf<values.Immutable<DetectorOutput>>();
    expectTypeOf<Of<typeof values.MediaInfoSchema>>().toEqualTypeOf<values.Immutable<MediaInfo>>();
    expectTypeOf<Of<typeof values.VerdictSchema>>().toEqualTypeOf<Verdict>();
    expectTypeOf<Of<typeof values.VerdictWhySchema>>().toEqualTypeOf<VerdictWhy>();
    expectTypeOf<Of<typeof values.VerdictPolicySchema>>().toEqualTypeOf<values.Immutable<VerdictPolicy & { source?: string }>>();
    expectTypeOf<Of<typeof values.VideoScoreSchema>>().toEqualTypeOf<values.Immutable<VideoScore>>();
    expectTypeOf<Of<typeof values.VerdictResultSchema>>().toEqualTypeOf<values.Immutable<VerdictResult>>();
    expectTypeOf<Of<typeof values.UncertainSegmentSchema>>().toEqualTypeOf<values.Immutable<UncertainSegment>>();
    expectTypeOf<Of<typeof values.ConfidenceLevelSchema>>().toEqualTypeOf<ConfidenceLevel>();
    expectTypeOf<Of<typeof values.PlainVerdictSchema>>().toEqualTypeOf<values.Immutable<PlainVerdict>>();
    expectTypeOf<Of<typeof values.SourceEstimateSchema>>().toEqualTypeOf<values.Immutable<SourceEstimate>>();
    expectTypeOf<Of<typeof values.SegmentFeaturesSchema>>().toEqualTypeOf<values.Immutable<SegmentFeatures>>();
  });
});

describe('ReportSchema', () => {
  it('accepts a report the builder wrote, every optional part present, and nothing more', () => {
    const report = reportWithEverything();
    expect(report.summary.uncertainSegments).toHaveLength(1);
    const plain = JSON.parse(JSON.stringify(report)) as unknown;
    expect([...Value.Errors(ReportSchema, plain)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    expect(Value.Check(ReportSchema, { ...(plain as object), extra: 1 })).toBe(false);
  });
});
