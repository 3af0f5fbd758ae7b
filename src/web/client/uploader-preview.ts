/** Previews of queued files: images drawn on a canvas, videos by a frame a quarter of the way in. */

export interface PreviewInfo {
  /** Natural width, when the browser could decode the file. */
  readonly width: number | null;
  readonly animated: boolean;
}

const SIZE = 160;
const VIDEO_TIMEOUT_MS = 8000;

/** Draws `source` to cover the square canvas. */
function cover(canvas: HTMLCanvasElement, source: CanvasImageSource, width: number, height: number): void {
  const context = canvas.getContext('2d');
  if (!context || width === 0 || height === 0) return;
  canvas.width = SIZE;
  canvas.height = SIZE;
  const scale = Math.max(SIZE / width, SIZE / height);
  const w = width * scale;
  const h = height * scale;
  context.drawImage(source, (SIZE - w) / 2, (SIZE - h) / 2, w, h);
}

export async function drawImagePreview(file: File, canvas: HTMLCanvasElement): Promise<PreviewInfo> {
  const animated = await isAnimated(file);
  try {
    // EXIF orientation is honoured by default ('from-image').
    const bitmap = await createImageBitmap(file);
    cover(canvas, bitmap, bitmap.width, bitmap.height);
    const width = bitmap.width;
    bitmap.close();
    return { width, animated };
  } catch {
    return { width: null, animated };
  }
}

export function drawVideoPreview(file: File, canvas: HTMLCanvasElement): Promise<PreviewInfo> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement('video');
    let settled = false;
    const done = (width: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
      resolve({ width, animated: false });
    };
    const timer = setTimeout(() => done(null), VIDEO_TIMEOUT_MS);
    video.muted = true;
    video.preload = 'metadata';
    video.playsInline = true;
    video.addEventListener('loadedmetadata', () => {
      const at = Number.isFinite(video.duration) ? video.duration / 4 : 0;
      video.currentTime = at;
    });
    video.addEventListener('seeked', () => {
      cover(canvas, video, video.videoWidth, video.videoHeight);
      done(video.videoWidth || null);
    });
    video.addEventListener('error', () => done(null));
    video.src = url;
  });
}

/**
 * Whether an image file is animated, read from its bytes: more than one GIF frame, an APNG `acTL`
 * chunk, or a WebP `ANIM` chunk. Animated images cannot be resized by width.
 */
export async function isAnimated(file: File): Promise<boolean> {
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  try {
    if (type === 'image/gif' || name.endsWith('.gif')) return gifFrames(new Uint8Array(await file.arrayBuffer())) > 1;
    if (type === 'image/png' || name.endsWith('.png')) return contains(new Uint8Array(await file.slice(0, 65_536).arrayBuffer()), 'acTL');
    if (type === 'image/webp' || name.endsWith('.webp')) return contains(new Uint8Array(await file.slice(0, 256).arrayBuffer()), 'ANIM');
  } catch {
    return false;
  }
  return false;
}

function contains(bytes: Uint8Array, ascii: string): boolean {
  const codes = Array.from(ascii, (c) => c.charCodeAt(0));
  outer: for (let i = 0; i + codes.length <= bytes.length; i++) {
    for (let j = 0; j < codes.length; j++) if (bytes[i + j] !== codes[j]) continue outer;
    return true;
  }
  return false;
}

/** Counts graphic control extensions (one per frame in practice), stopping at two. */
function gifFrames(bytes: Uint8Array): number {
  let frames = 0;
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0x21 && bytes[i + 1] === 0xf9 && bytes[i + 2] === 0x04 && ++frames > 1) return frames;
  }
  return frames;
}
