/** Site-wide queries of the admin dashboard: counts, listings across all users, moderation. */

export interface SiteStats {
  readonly users: number;
  readonly admins: number;
  readonly disabledUsers: number;
  readonly images: number;
  readonly videos: number;
  readonly albums: number;
  /** Bytes of the uploaded originals. */
  readonly originalBytes: number;
  /** Bytes of every stored file: originals, thumbnails, medium pictures and video frames. */
  readonly storedBytes: number;
  readonly unapproved: number;
}

export interface AdminUserRow {
  readonly id: number;
  readonly username: string;
  readonly email: string | null;
  readonly isAdmin: boolean;
  readonly disabled: boolean;
  readonly createdAt: Date;
  readonly uploads: number;
  readonly bytes: number;
}

export interface AdminImageRow {
  readonly id: number;
  readonly kind: 'image' | 'video';
  readonly title: string | null;
  readonly filename: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  readonly uploadedAt: Date;
  readonly isApproved: boolean;
  readonly userId: number | null;
  /** Null for guest uploads. */
  readonly username: string | null;
  /** Storage key of the thumbnail, when there is one. */
  readonly thumbKey: string | null;
}

export interface AdminRepository {
  stats(): Promise<SiteStats>;
  /** Users by id, oldest first, with their upload count and bytes. */
  listUsers(offset: number, limit: number): Promise<AdminUserRow[]>;
  /** Admins that are not disabled: the ones who can still run the site. */
  countActiveAdmins(): Promise<number>;
  /** Active uploads, newest first; only the unapproved ones with `unapprovedOnly`. */
  listImages(filter: { readonly unapprovedOnly: boolean }, offset: number, limit: number): Promise<AdminImageRow[]>;
  /** Active uploads of one user. */
  countImagesOfUser(userId: number): Promise<number>;
  /** Ids of a user's images in any state (deleting ones included), at most `limit`. */
  imageIdsOfUser(userId: number, limit: number): Promise<number[]>;
  /** Marks an active image approved; false when it does not exist or was already approved. */
  approveImage(id: number): Promise<boolean>;
  /** Deletes the user row; keys, albums and sessions go with it (foreign keys cascade). */
  deleteUser(id: number): Promise<void>;
}
