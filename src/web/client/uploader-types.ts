/**
 * What the server tells the uploader (the `uploader-config` JSON block and `GET /json/upload-settings`),
 * and what `/json/upload` answers. Shared by the server, which builds it, and the browser code.
 */
export interface UploaderConfig {
  readonly endpoint: string;
  readonly albumsEndpoint: string;
  /** Shown uppercased as the accepted formats, e.g. `JPG JPEG PNG …`. */
  readonly formats: readonly string[];
  /** Lower-case file name extensions accepted before queueing. */
  readonly extensions: readonly string[];
  /** MIME types accepted before queueing (files without an extension, pasted images). */
  readonly mimeTypes: readonly string[];
  readonly maxBytes: number;
  /** e.g. `5 MB`. */
  readonly maxLabel: string;
  readonly guest: boolean;
  /**
   * A guest without a session: the first successful upload creates one and its answer carries a new
   * CSRF token, so uploads go one at a time until then.
   */
  readonly sessionPending: boolean;
  readonly urlUploads: boolean;
  /** Parallel requests. */
  readonly threads: number;
  readonly albums: readonly { readonly id: string; readonly name: string }[];
  readonly expirations: readonly { readonly value: string; readonly label: string }[];
  readonly defaultExpiration: string;
  /** Album chosen for every file when the page was opened as `/upload?toAlbum={id}` (an owned album). */
  readonly preselectedAlbum: string;
  readonly canCreateAlbum: boolean;
  readonly signups: boolean;
  /** Where the uploads of a logged-in user are listed. */
  readonly profileUrl: string | null;
  readonly lang: string;
  /** The uploader's messages in the page language, `{name}` placeholders unfilled. */
  readonly messages: Readonly<Record<string, string>>;
}

export type EmbedGroupName = 'links' | 'html' | 'markdown' | 'bbcode';

export interface EmbedEntry {
  readonly group: EmbedGroupName;
  readonly id: string;
  readonly value: string;
}

/** The parts of the API image object the uploader reads. */
export interface UploadedImage {
  readonly id_encoded: string;
  readonly type?: string;
  readonly url_viewer: string;
  readonly display_title?: string;
  readonly thumb?: { readonly url?: string | null };
}

export interface UploadAnswer {
  readonly status_code: number;
  readonly image?: UploadedImage;
  readonly embeds?: readonly EmbedEntry[];
  readonly error?: { readonly message?: string; readonly code?: number };
}

export const CSRF_HEADER = 'x-csrf-token';
