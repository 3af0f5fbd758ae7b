import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import type { PublicIdCodec } from '../../../domain/public-id.js';
import type { Clock } from '../../../ports/clock.js';
import type { Album, Database, ImageInContext, User } from '../../../ports/repositories.js';
import { AlbumService } from '../../../services/album.service.js';
import type { DeletionService } from '../../../services/deletion.service.js';
import { ImageDetailsService } from '../../../services/image-details.service.js';
import type { SessionService } from '../../../services/session.service.js';
import type { UrlBuilder } from '../../../services/url-builder.js';
import { ViewCounter } from '../../../services/view-counter.js';
import type { ViewRecorder } from '../../../services/view-recorder.js';
import type { GridContext } from '../../../web/gallery/grid.js';
import { GalleryPaths } from '../../../web/gallery/paths.js';
import type { WebContext } from '../../web/web-context.js';
import type { WebKit } from '../../web/web-kit.js';
import { registerAlbumJsonRoute } from './album-json.route.js';
import { registerAlbumRoutes } from './album.route.js';
import { registerListingRoutes } from './listing.route.js';
import { registerOembedRoute } from './oembed.route.js';
import { registerViewerRoutes } from './viewer.route.js';

/** What the viewer, album, listing and oEmbed routes share. */
export interface GalleryDeps {
  readonly db: Database;
  readonly ids: PublicIdCodec;
  readonly urls: UrlBuilder;
  readonly paths: GalleryPaths;
  readonly deletion: DeletionService;
  readonly sessions: SessionService;
  readonly albums: AlbumService;
  readonly details: ImageDetailsService;
  readonly views: ViewCounter;
  /** Writes the views `views` counted, behind the page. */
  readonly viewWriter: ViewRecorder;
  readonly clock: Clock;
  readonly routes: { readonly image: string; readonly video: string };
  /** Names viewer links had before a change in the dashboard; the viewer redirects them to the live ones. */
  readonly formerRoutes: readonly string[];
  readonly timeZone: string;
  readonly kit: WebKit;
}

export function galleryDeps(c: Container, kit: WebKit): GalleryDeps {
  return {
    db: c.db,
    ids: c.ids,
    urls: c.urls,
    paths: new GalleryPaths(c.urls, c.ids, c.config.seoUrls),
    deletion: c.deletion,
    sessions: c.sessions,
    albums: new AlbumService({ db: c.db, deletion: c.deletion, clock: c.clock }),
    details: new ImageDetailsService({ db: c.db }),
    views: new ViewCounter({ clock: c.clock }),
    viewWriter: c.views,
    clock: c.clock,
    // Live views: an admin may change route names and the time zone while the server runs.
    routes: c.site.routes,
    formerRoutes: [c.site.defaults.routeImage, c.site.defaults.routeVideo, 'image', 'video'],
    get timeZone() {
      return c.site.values.timeZone;
    },
    kit,
  };
}

/** Viewer pages, albums, profiles, explore, tags, search and oEmbed (issue 3, items 3 and 6). */
export function registerGalleryRoutes(app: FastifyInstance, deps: GalleryDeps): void {
  registerViewerRoutes(app, deps);
  registerAlbumRoutes(app, deps);
  registerAlbumJsonRoute(app, deps);
  registerListingRoutes(app, deps);
  registerOembedRoute(app, deps);
}

export function gridContext(deps: GalleryDeps, ctx: Pick<WebContext, 't'>): GridContext {
  return { t: ctx.t, urls: deps.urls, ids: deps.ids, paths: deps.paths };
}

/** `open`: show it; `locked`: the album's password gate; `unapproved`: 403; `hidden`: 404. */
export type ImageAccess =
  | { readonly kind: 'open' | 'unapproved'; readonly album: Album | null; readonly owner: User | null; readonly manager: boolean }
  | { readonly kind: 'locked'; readonly album: Album }
  | { readonly kind: 'hidden' };

/**
 * Who may see an image: its owner and admins always; others not when the owner is disabled or the
 * album is private, only after the password when the album has one, and not before approval.
 */
export function imageAccess(deps: Pick<GalleryDeps, 'details' | 'albums'>, found: ImageInContext, viewer: User | null, unlocked: readonly number[]): ImageAccess {
  const { image, owner, album } = found;
  const manager = deps.details.canManage(viewer, image);
  if (!manager) {
    if (owner?.disabled) return { kind: 'hidden' };
    if (album) {
      const access = deps.albums.access(album, viewer, unlocked);
      if (access === 'hidden') return { kind: 'hidden' };
      if (access === 'locked') return { kind: 'locked', album };
    }
    if (!image.isApproved) return { kind: 'unapproved', album, owner, manager };
  }
  return { kind: 'open', album, owner, manager };
}

/** An active upload with its owner and album, by the id segment of its URL; null when there is none. */
export async function findViewable(deps: Pick<GalleryDeps, 'db' | 'ids'>, segment: string): Promise<ImageInContext | null> {
  const id = idFromSegment(deps.ids, segment);
  if (id === null) return null;
  const found = await deps.db.images.findWithOwnerAndAlbum(id);
  return found && found.image.status === 'active' ? found : null;
}

/** Decodes `{slug}.{id}` or `{id}`: only the part after the last dot counts (SPEC-API §2.5). */
export function idFromSegment(ids: PublicIdCodec, segment: string): number | null {
  return ids.decode(segment.slice(segment.lastIndexOf('.') + 1));
}

/** The path part of the request URL, for canonical-path comparisons. */
export function requestPath(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}

/** A local path to return to after a form (never another site, never a scheme-relative `//host`). */
export function safeNext(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') && value.length <= 2000 ? value : fallback;
}

/** A single string form field (urlencoded bodies may repeat a name). */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

export function fields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

