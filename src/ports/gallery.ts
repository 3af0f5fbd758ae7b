import type { Album, AlbumPrivacy } from './repositories.js';

/** What a grid tile needs: never the original file, only the thumbnail. */
export interface ListedImage {
  readonly id: number;
  readonly userId: number | null;
  readonly albumId: number | null;
  readonly kind: 'image' | 'video';
  readonly title: string | null;
  readonly name: string;
  readonly extension: string;
  readonly nsfw: boolean;
  readonly isAnimated: boolean;
  readonly duration: number;
  readonly uploadedAt: Date;
  readonly thumb: { readonly key: string; readonly width: number; readonly height: number } | null;
}

/**
 * Which images a listing shows. "Public" means approved, active, and outside any album that is not
 * public (private, link-only and password albums never leak into listings).
 */
export type ListingScope =
  | { readonly kind: 'explore' }
  | { readonly kind: 'user'; readonly userId: number; readonly includeHidden: boolean }
  | { readonly kind: 'album'; readonly albumId: number; readonly includeUnapproved: boolean }
  | { readonly kind: 'tag'; readonly tagId: number }
  | { readonly kind: 'search'; readonly query: string };

/**
 * Keyset page: `before` = ids below, `after` = ids above (raw ids, whatever the display order).
 * Items come back in display order; `more` says whether the walk in the requested direction goes on.
 */
export interface PageQuery {
  readonly order: 'asc' | 'desc';
  readonly before?: number | undefined;
  readonly after?: number | undefined;
  readonly limit: number;
}

export interface ListingPage {
  readonly items: readonly ListedImage[];
  readonly more: boolean;
}

export interface AlbumWithCover extends Album {
  readonly cover: ListedImage['thumb'];
}

/** Read-only queries behind the profile, explore, tag, search and album pages. */
export interface ListingRepository {
  listImages(scope: ListingScope, page: PageQuery): Promise<ListingPage>;
  /** Albums of a user, newest first; `publicOnly` keeps only public ones (others' view of a profile). */
  listAlbums(userId: number, options: { readonly publicOnly: boolean }): Promise<AlbumWithCover[]>;
  /** The images just before and after `imageId` in the album (by id). */
  albumNeighbours(albumId: number, imageId: number, includeUnapproved: boolean): Promise<{ prev: ListedImage | null; next: ListedImage | null }>;
  /** Ids of every image row in the album, whatever its status. */
  albumImageIds(albumId: number): Promise<number[]>;
  /** A tag by name, case-insensitively. */
  findTag(name: string): Promise<{ id: number; name: string } | null>;
}

export interface ImageDetailsPatch {
  readonly title: string | null;
  readonly description: string | null;
  readonly tags: readonly string[];
  readonly albumId: number | null;
  readonly nsfw: boolean;
}

/** Writes of the album and image editors; album image counts are kept right by each. */
export interface CurationRepository {
  updateAlbum(id: number, patch: { name: string; description: string | null; privacy: AlbumPrivacy; passwordHash: string | null }): Promise<void>;
  /** Deletes the album row; its images stay, outside any album. */
  deleteAlbum(id: number): Promise<void>;
  /** Moves the active images among `imageIds` owned by `userId` into `albumId` (null: out of any album); returns how many moved. */
  moveImages(userId: number, imageIds: readonly number[], albumId: number | null): Promise<number>;
  updateImageDetails(imageId: number, patch: ImageDetailsPatch): Promise<void>;
}
