/** Axis-aligned box in frame pixels; (x, y) is the top-left corner. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The six BlazeFace keypoints, in frame pixels. "Left"/"right" are as seen in the image
 * (image-left eye is the subject's right eye).
 */
export interface FaceLandmarks {
  readonly leftEye: Point;
  readonly rightEye: Point;
  readonly noseTip: Point;
  readonly mouth: Point;
  readonly leftEar: Point;
  readonly rightEar: Point;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

export function boxCenter(b: Box): Point {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** Clamp a box to the frame; the result may be empty (w or h = 0) when the box lies outside. */
export function clampBox(b: Box, width: number, height: number): Box {
  const x = Math.min(Math.max(b.x, 0), width);
  const y = Math.min(Math.max(b.y, 0), height);
  const x2 = Math.min(Math.max(b.x + b.w, 0), width);
  const y2 = Math.min(Math.max(b.y + b.h, 0), height);
  return { x, y, w: x2 - x, h: y2 - y };
}

/** In-plane roll of the face in radians, from the eye line (0 = upright). */
export function rollAngle(l: FaceLandmarks): number {
  return Math.atan2(l.rightEye.y - l.leftEye.y, l.rightEye.x - l.leftEye.x);
}

export function translateLandmarks(l: FaceLandmarks, dx: number, dy: number): FaceLandmarks {
  const t = (p: Point): Point => ({ x: p.x + dx, y: p.y + dy });
  return {
    leftEye: t(l.leftEye),
    rightEye: t(l.rightEye),
    noseTip: t(l.noseTip),
    mouth: t(l.mouth),
    leftEar: t(l.leftEar),
    rightEar: t(l.rightEar),
  };
}
