/**
 * Skin test for rPPG sampling. Only skin carries the pulse; eyes, brows, hair, glasses, nostrils
 * and background add noise or motion artefacts, and clipped pixels cannot show a colour change.
 *
 * A pixel counts as skin when, with BT.601 full-range YCbCr,
 *   - Cb ∈ [77, 127] and Cr ∈ [133, 173]  (Chai & Ngan 1999: skin chrominance clusters tightly
 *     across skin tones because melanin mostly scales luminance),
 *   - luma Y ≥ 30 (very dark pixels are shadows, pupils, hair, and sensor noise dominates them),
 *   - max(R, G, B) ≤ 250 (saturated highlights have lost the modulation).
 * Known limits: strongly coloured light moves skin out of the chroma box (the cell is then
 * reported missing, not wrong), and red-brown hair or wood can pass it.
 */

export const SKIN_RULE = {
  cbMin: 77,
  cbMax: 127,
  crMin: 133,
  crMax: 173,
  lumaMin: 30,
  channelMax: 250,
} as const;

export function isSkin(r: number, g: number, b: number): boolean {
  if (r > SKIN_RULE.channelMax || g > SKIN_RULE.channelMax || b > SKIN_RULE.channelMax) return false;
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  if (y < SKIN_RULE.lumaMin) return false;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  if (cb < SKIN_RULE.cbMin || cb > SKIN_RULE.cbMax) return false;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return cr >= SKIN_RULE.crMin && cr <= SKIN_RULE.crMax;
}
