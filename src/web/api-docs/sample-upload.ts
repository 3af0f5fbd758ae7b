import { datePath } from '../../domain/format.js';
import type { ImageRecord } from '../../ports/repositories.js';
import type { ImagePresenter, Locale } from '../../services/image-presenter.js';

/**
 * Example uploads for the API page and the OpenAPI document. They go through the real presenter, so
 * the examples show exactly the fields and types the API answers with and can never drift from it.
 */
export function sampleRecords(now: Date, timeZone: string): { image: ImageRecord; clip: ImageRecord } {
  const folder = datePath(now, timeZone);
  const base = {
    userId: 1,
    apiKeyId: 1,
    albumId: null,
    categoryId: null,
    storageMode: 'datefolder' as const,
    datePath: folder,
    description: null,
    sourceMd5: null,
    isApproved: true,
    is360: false,
    nsfw: false,
    date: now,
    uploadedAt: now,
    views: 0,
    likes: 0,
    originalExif: null,
    uploaderIp: '192.0.2.10',
    status: 'active' as const,
    tags: [],
  };
  const image: ImageRecord = {
    ...base,
    id: 4821,
    kind: 'image',
    name: 'harbour-at-dusk',
    extension: 'jpg',
    mime: 'image/jpeg',
    originalFilename: 'harbour at dusk.jpg',
    title: 'Harbour at dusk',
    size: 1_482_113,
    width: 2400,
    height: 1600,
    md5: '0f3a9c1e5b7d2468ace13579bdf02468',
    sha256: '9'.repeat(64),
    chain: 7,
    thumbSize: 18_402,
    mediumSize: 61_377,
    frameSize: 0,
    isAnimated: false,
    duration: 0,
    expiresAt: null,
    files: [
      { kind: 'image', key: `${folder}/harbour-at-dusk.jpg`, name: 'harbour-at-dusk', extension: 'jpg', mime: 'image/jpeg', size: 1_482_113, width: 2400, height: 1600 },
      { kind: 'medium', key: `${folder}/harbour-at-dusk.md.jpg`, name: 'harbour-at-dusk.md', extension: 'jpg', mime: 'image/jpeg', size: 61_377, width: 500, height: 333 },
      { kind: 'thumb', key: `${folder}/harbour-at-dusk.th.jpg`, name: 'harbour-at-dusk.th', extension: 'jpg', mime: 'image/jpeg', size: 18_402, width: 320, height: 320 },
    ],
  };
  const clip: ImageRecord = {
    ...base,
    id: 4822,
    kind: 'video',
    name: 'paper-boats',
    extension: 'mp4',
    mime: 'video/mp4',
    originalFilename: 'Paper boats (short film).mp4',
    title: 'Paper boats short film',
    size: 2_874_310,
    width: 640,
    height: 360,
    md5: '7c1e2a4b6d8f0a1c3e5b7d9f1a3c5e7b',
    sha256: '8'.repeat(64),
    chain: 13,
    thumbSize: 15_870,
    mediumSize: 0,
    frameSize: 24_318,
    isAnimated: false,
    duration: 42.3,
    expiresAt: new Date(now.getTime() + 3 * 86_400_000),
    files: [
      { kind: 'image', key: `${folder}/paper-boats.mp4`, name: 'paper-boats', extension: 'mp4', mime: 'video/mp4', size: 2_874_310, width: 640, height: 360 },
      { kind: 'frame', key: `${folder}/paper-boats.fr.jpeg`, name: 'paper-boats.fr', extension: 'jpeg', mime: 'image/jpeg', size: 24_318, width: 640, height: 360 },
      { kind: 'thumb', key: `${folder}/paper-boats.th.jpeg`, name: 'paper-boats.th', extension: 'jpeg', mime: 'image/jpeg', size: 15_870, width: 320, height: 320 },
    ],
  };
  return { image, clip };
}

/** A made-up delete secret of the real shape (48 hex digits). */
export const SAMPLE_DELETE_SECRET = '3f9a0c2e4b6d8f1a3c5e7b9d0f2a4c6e8b1d3f5a7c9e0b2d';

/** The `image` objects of the two samples, as an upload answer carries them. */
export function presentSamples(presenter: ImagePresenter, now: Date, timeZone: string, locale: Locale): { image: Record<string, unknown>; clip: Record<string, unknown> } {
  const { image, clip } = sampleRecords(now, timeZone);
  const ctx = { now, locale, deleteSecret: SAMPLE_DELETE_SECRET, exifJson: null };
  return { image: presenter.present(image, ctx), clip: presenter.present(clip, ctx) };
}
