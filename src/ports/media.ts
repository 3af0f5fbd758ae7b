/** Formats Pinhole accepts, decided from the bytes alone (SPEC-API A6). */
export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'gif' | 'webp' | 'avif';
export type VideoFormat = 'mp4' | 'mov' | 'webm';
export type MediaFormat = ImageFormat | VideoFormat;
export type MediaKind = 'image' | 'video';

export interface DetectedType {
  readonly kind: MediaKind;
  readonly format: MediaFormat;
}

/** Limits checked from headers before a single pixel is decoded. */
export interface MediaLimits {
  readonly maxPixels: number;
  readonly maxFrames: number;
  /** width × height × frames of an animation. */
  readonly maxAnimationPixels: number;
  readonly maxVideoSeconds: number;
}

export interface ProcessOptions {
  /** The spooled upload (a temp file the caller owns and removes). */
  readonly inputPath: string;
  /** Folder for the produced temp files (same filesystem as the store, so renames are atomic). */
  readonly workDir: string;
  readonly limits: MediaLimits;
  /** API `width`: resize to this width keeping the ratio, never upscale; ignored for animations and video. */
  readonly targetWidth: number | undefined;
  /** Keep EXIF/XMP/ICC metadata in stored files (orientation is always applied). */
  readonly keepMetadata: boolean;
  readonly thumbSize: number;
  readonly mediumSize: number;
  /** Client file name ended in .jpg: keep the `jpg` extension for JPEG (SPEC-API §2.1). */
  readonly preferJpgExtension: boolean;
  /** The type `detect` already read from these bytes; read again when absent. */
  readonly detected?: DetectedType;
}

export interface ProducedFile {
  /** Temp file in workDir; the caller moves it into the store or removes it. */
  readonly path: string;
  readonly extension: string;
  readonly mime: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
}

export interface ProcessedMedia {
  readonly kind: MediaKind;
  /** Detected input format (bmp stays 'bmp' here although the stored file is PNG). */
  readonly sourceFormat: MediaFormat;
  readonly main: ProducedFile & { readonly md5: string };
  readonly thumb: ProducedFile;
  readonly medium: ProducedFile | null;
  /** Video only: the JPEG frame at a quarter of the duration. */
  readonly frame: ProducedFile | null;
  /** md5 of the main file before a `width` resize, else null. */
  readonly sourceMd5: string | null;
  readonly isAnimated: boolean;
  readonly is360: boolean;
  /** Seconds (fractional) for video; 0 for images. */
  readonly duration: number;
  /** EXIF of the received file (MakerNote removed; GPS removed unless metadata is kept), or null. */
  readonly exif: Record<string, unknown> | null;
  /** EXIF DateTime (IFD0) as read, interpreted as UTC, or null. */
  readonly exifDate: Date | null;
  readonly exifTitle: string | null;
  readonly exifDescription: string | null;
}

/** Detects, checks and processes one upload into the files Pinhole stores. Throws AppError. */
export interface MediaPipeline {
  detect(path: string): Promise<DetectedType | null>;
  process(options: ProcessOptions): Promise<ProcessedMedia>;
}
