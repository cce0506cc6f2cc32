import type { CoveragePoint, EceReference, Reliability, RocPoint } from './metrics.js';

/**
 * The `fakescope eval` report (eval.json; eval.html renders the same object). Versioned like the
 * analysis report: `schemaVersion` changes when a field changes meaning or disappears. Every
 * metric carries the number of items it was computed on; `null` means undefined on these items
 * (e.g. AUC with one class only).
 */
export const EVAL_SCHEMA_VERSION = 1;

/** One labelled video of the dataset. `method` is '-' for real videos, else the generator/method. */
export interface EvalItem {
  readonly file: string;
  readonly label: 'real' | 'fake';
  readonly method: string;
  /** Source clip or identity, when the manifest has it (clips of one identity are not independent). */
  readonly clip?: string;
}

/** A detector's (or the fusion's) video-level score for one clip. Uncertainties in nats. */
export interface ClipScore {
  readonly pFake: number | null;
  readonly std: number | null;
  readonly entropy: number | null;
  readonly aleatoric: number | null;
  readonly epistemic: number | null;
  /** The distance term of `epistemic`, when the detector has a feature density (docs/uncertainty.md). */
  readonly distance?: number;
  readonly evidenceFrames: number;
}

export interface ClipAttribution {
  readonly classes: readonly string[];
  readonly probabilities: readonly number[];
  /** Most probable class, or 'unknown' when the classifier abstains. */
  readonly top: string;
  readonly entropy: number;
}

/** The analyzer's answer for one clip under one perturbation ('none' = the file as it is). */
export interface ClipResult {
  readonly item: EvalItem;
  readonly perturbation: string;
  readonly detectors: Readonly<Record<string, ClipScore>>;
  readonly fused: ClipScore & { readonly disagreement: number | null };
  readonly verdict: 'real' | 'fake' | 'uncertain';
  readonly reason: string;
  readonly attribution: ClipAttribution | null;
  /** Uncertainty-manifold features of the whole clip (src/pipeline/segment-features.ts). */
  readonly features: Readonly<Record<string, number>>;
  readonly frames: number;
  readonly framesWithFaces: number;
  readonly wallMs: number;
  /**
   * Per face: its per-detector scores, so a re-applied policy decides the clip as the analyzer does
   * (the most fake face; `decideClip`). Absent in results cached before it was recorded: those are
   * re-decided on the pooled face-frames.
   */
  readonly tracks?: readonly { readonly trackId: number; readonly detectors: Readonly<Record<string, ClipScore>> }[];
  /** Share of the face time covered by epistemic-spike alerts (report `summary.uncertainCoverage`). */
  readonly uncertainCoverage?: number;
  /** Set when the analysis failed; scores are then empty. */
  readonly error?: string;
}

/** Binary real/fake metrics of one scorer (a detector or the fusion). */
export interface BinaryMetrics {
  readonly n: number;
  readonly nReal: number;
  readonly nFake: number;
  /** Clips without an answer from this scorer (no face, detector insufficient). */
  readonly unanswered: number;
  readonly auc: number | null;
  readonly aucCi: { readonly lo: number; readonly hi: number; readonly resamples: number } | null;
  readonly accuracy: number | null;
  /** Accuracy with real and fake weighted to equal totals. */
  readonly balancedAccuracy: number | null;
  readonly ece: number | null;
  /** Bootstrap interval of the ECE (clips resampled). */
  readonly eceCi: { readonly lo: number; readonly hi: number; readonly resamples: number } | null;
  /** The ECE a perfectly calibrated scorer with the same p(fake) would show on this many clips (metrics.ts `eceIfCalibrated`). */
  readonly eceIfCalibrated: EceReference | null;
  readonly mce: number | null;
  readonly brier: number | null;
  readonly nll: number | null;
  readonly reliability: Reliability | null;
  readonly roc: readonly RocPoint[] | null;
  /** AUROC of epistemic (and of total) uncertainty for detecting misclassified clips. */
  readonly epistemicErrorAuroc: number | null;
  readonly entropyErrorAuroc: number | null;
  /** Accuracy on the answered clips when answering the least (epistemic-)uncertain first. */
  readonly coverage: readonly CoveragePoint[];
}

/** What the three-way verdict buys: accuracy on the answered clips against the fraction answered. */
export interface VerdictMetrics {
  readonly n: number;
  readonly answered: number;
  readonly coverage: number | null;
  /** Accuracy on answered clips (fake/real verdicts only). */
  readonly accuracyAnswered: number | null;
  /** Accuracy if every clip were forced to p ≥ threshold (no abstention), for comparison. */
  readonly accuracyForced: number | null;
  readonly byVerdict: Readonly<Record<'real' | 'fake' | 'uncertain', { readonly real: number; readonly fake: number }>>;
  /** Why clips were left uncertain, with counts. */
  readonly reasons: Readonly<Record<string, number>>;
}

export interface AttributionMetrics {
  /** Classes of the confusion matrix: the known ones plus 'unknown' (abstained). */
  readonly classes: readonly string[];
  /** Rows = truth (methods not among the known classes count as 'unknown'), columns = prediction. */
  readonly confusion: readonly (readonly number[])[];
  readonly n: number;
  readonly accuracy: number | null;
  readonly macroF1: number | null;
  /** Fakes of methods the classifier was not trained on: how often it says 'unknown'. */
  readonly unknownRecall: number | null;
}

/** Leave-one-generator-out of the source classifier: refit without one generator, test on all. */
export interface LogoRow {
  readonly heldOut: string;
  readonly nHeldOut: number;
  readonly nSeen: number;
  /** Fraction of the held-out generator's clips called 'unknown' (want high). */
  readonly unknownRateHeldOut: number | null;
  /** Fraction of seen generators' clips called 'unknown' (want low). */
  readonly unknownRateSeen: number | null;
  /** AUROC of the classifier's entropy for held-out vs seen (source detection). */
  readonly entropyAuroc: number | null;
  /** AUROC of the fused epistemic uncertainty for held-out vs seen fakes. */
  readonly epistemicAuroc: number | null;
}

/** Accuracy and uncertainty when every clip is perturbed the same way. */
export interface RobustnessRow {
  readonly perturbation: string;
  readonly description: string;
  readonly n: number;
  readonly auc: number | null;
  readonly accuracy: number | null;
  readonly coverage: number | null;
  readonly accuracyAnswered: number | null;
  readonly meanPFakeReal: number | null;
  readonly meanPFakeFake: number | null;
  readonly meanEpistemic: number | null;
}

/** Black-box attack on the face crops of fake clips through ONNX Runtime. */
export interface AdversarialReport {
  readonly detector: string;
  readonly method: string;
  readonly epsilon: number;
  readonly queries: number;
  readonly crops: number;
  readonly clips: number;
  readonly meanPFakeBefore: number | null;
  readonly meanPFakeAfter: number | null;
  /** Crops the detector called fake (p ≥ 0.5) before the attack: the flip rate's denominator. */
  readonly detectedBefore: number;
  /** Of the `detectedBefore` crops, the share with p(fake) < 0.5 after the attack. */
  readonly flipRate: number | null;
  readonly meanEpistemicBefore: number | null;
  readonly meanEpistemicAfter: number | null;
  /** P(epistemic of an attacked crop > that of its clean crop). */
  readonly epistemicRoseFraction: number | null;
}

export interface EvalReport {
  readonly schemaVersion: number;
  readonly tool: { readonly name: 'fakescope'; readonly version: string };
  readonly createdAt: string;
  readonly dataset: {
    readonly path: string;
    readonly items: number;
    readonly real: number;
    readonly fake: number;
    readonly methods: Readonly<Record<string, number>>;
  };
  readonly detectors: readonly string[];
  /** The verdict policy used, and where its thresholds came from. */
  readonly policy: {
    readonly values: Readonly<Record<string, number>>;
    /** Fusion weight per detector (null: equal weights). */
    readonly weights: Readonly<Record<string, number>> | null;
    /** Platt map of the fused p(fake) (null: none, the mixture mean is used as it is). */
    readonly calibration: { readonly a: number; readonly b: number } | null;
    readonly source: string;
  };
  /** The source classifier used, and what it was trained on (null: none configured). */
  readonly attributionModel: { readonly classes: readonly string[]; readonly source: string } | null;
  readonly featureNames: readonly string[];
  /** Per scorer ('fused' and each detector), on unperturbed clips. */
  readonly binary: Readonly<Record<string, BinaryMetrics>>;
  readonly verdicts: VerdictMetrics;
  /** Per clip and detector p(fake), with their (unweighted) spread: where the detectors disagree. */
  readonly disagreement: readonly {
    readonly file: string;
    readonly label: string;
    readonly method: string;
    readonly pFake: Readonly<Record<string, number | null>>;
    readonly spread: number | null;
    readonly verdict: string;
  }[];
  readonly attribution: AttributionMetrics | null;
  readonly logo: readonly LogoRow[] | null;
  readonly robustness: readonly RobustnessRow[];
  readonly adversarial: AdversarialReport | null;
  readonly clips: readonly ClipResult[];
  /** Anything the reader should know (skipped analyses, small samples). */
  readonly notes: readonly string[];
}
