import type { Generated } from 'kysely';

/**
 * Row shapes as both dialects return them: times are epoch milliseconds, flags are 0/1 integers
 * and enumerations are plain text (narrowed when rows are mapped to domain types).
 * PostgreSQL BIGINT and NUMERIC reach us as numbers because the pool installs its own parsers.
 */
export interface DB {
  settings: SettingsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  albums: AlbumsTable;
  categories: CategoriesTable;
  images: ImagesTable;
  image_files: ImageFilesTable;
  tags: TagsTable;
  image_tags: ImageTagsTable;
  image_delete_secrets: ImageDeleteSecretsTable;
  jobs: JobsTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  deletions: DeletionsTable;
}

/** One row per deleted upload (who deleted it and why); see migration 0004. */
export interface DeletionsTable {
  id: Generated<number>;
  image_id: number;
  reason: string;
  instance_id: string;
  deleted_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: number | null;
  data: string;
  created_at: number;
  expires_at: number;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  email: string | null;
  password_hash: string | null;
  is_admin: number;
  keep_exif: number | null;
  default_expiration: string | null;
  created_at: number;
  language: string | null;
  disabled: Generated<number>;
}

export interface ApiKeysTable {
  id: Generated<number>;
  user_id: number;
  label: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AlbumsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  description: string | null;
  privacy: string;
  password_hash: string | null;
  image_count: Generated<number>;
  created_at: number;
}

export interface CategoriesTable {
  id: Generated<number>;
  name: string;
  url_key: string;
}

export interface ImagesTable {
  id: Generated<number>;
  user_id: number | null;
  api_key_id: number | null;
  album_id: number | null;
  category_id: number | null;
  kind: string;
  name: string;
  extension: string;
  mime: string;
  storage_mode: string;
  date_path: string;
  original_filename: string;
  title: string | null;
  description: string | null;
  size: number;
  width: number;
  height: number;
  md5: string;
  source_md5: string | null;
  sha256: string;
  chain: number;
  thumb_size: number;
  medium_size: number;
  frame_size: number;
  is_animated: number;
  is_approved: number;
  is_360: number;
  nsfw: number;
  duration: number;
  date_ms: number;
  uploaded_at: number;
  expires_at: number | null;
  views: Generated<number>;
  likes: Generated<number>;
  original_exif: string | null;
  uploader_ip: string;
  status: Generated<string>;
  /** Lease of the instance deleting the image (epoch ms), null while queued or active. */
  deleting_at: number | null;
}

export interface ImageFilesTable {
  image_id: number;
  kind: string;
  key: string;
  name: string;
  extension: string;
  mime: string;
  size: number;
  width: number;
  height: number;
}

export interface TagsTable {
  id: Generated<number>;
  name: string;
  name_lower: string;
}

export interface ImageTagsTable {
  image_id: number;
  tag_id: number;
  /** Keeps the tags in the order the uploader gave them. */
  position: number;
}

export interface ImageDeleteSecretsTable {
  image_id: number;
  hash: string;
}

export interface JobsTable {
  id: Generated<number>;
  type: string;
  payload: string;
  run_at: number;
  attempts: Generated<number>;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  status: Generated<string>;
  created_at: number;
}

export type SqlDialect = 'sqlite' | 'postgres';
