/**
 * Sizes for deriving the thumbnail and the medium picture from one decode. The image is decoded once
 * at the smallest size both derivatives can be cut from without upscaling (libvips' shrink-on-load
 * makes that decode cheaper than a full one for JPEG and WebP), and each derivative is resized from
 * those pixels in memory instead of decoding the file again.
 */
export interface DerivativePlanInput {
  /** Oriented size of the decoded image. */
  readonly width: number;
  readonly height: number;
  /** Thumbnails are cropped to this square (cover). */
  readonly thumbSize: number;
  /** Width of the medium picture. */
  readonly mediumSize: number;
  readonly wantsMedium: boolean;
}

export interface DerivativePlan {
  /** The oriented size of the image the plan is for. */
  readonly fullWidth: number;
  readonly fullHeight: number;
  /** Size to decode at: equal to the image when no shrink is possible. */
  readonly decodeWidth: number;
  readonly decodeHeight: number;
  /** Width of the medium (never wider than the image), or null when there is none. */
  readonly mediumWidth: number | null;
}

export function derivativePlan(input: DerivativePlanInput): DerivativePlan {
  const { width, height, thumbSize } = input;
  const mediumWidth = input.wantsMedium ? Math.max(1, Math.min(Math.floor(input.mediumSize), width)) : null;
  // A cover crop needs both sides at least the thumbnail's side; the medium needs its width.
  const scale = Math.min(1, Math.max(thumbSize / width, thumbSize / height, mediumWidth === null ? 0 : mediumWidth / width));
  if (scale >= 1) return { fullWidth: width, fullHeight: height, decodeWidth: width, decodeHeight: height, mediumWidth };
  return {
    fullWidth: width,
    fullHeight: height,
    decodeWidth: Math.min(width, Math.max(1, Math.ceil(width * scale))),
    decodeHeight: Math.min(height, Math.max(1, Math.ceil(height * scale))),
    mediumWidth,
  };
}
