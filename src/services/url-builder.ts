import type { PublicIdCodec } from '../domain/public-id.js';
import { viewerSlug } from '../domain/slug.js';
import type { ImageRecord } from '../ports/repositories.js';

export interface UrlBuilderOptions {
  /** Public base without trailing slash, e.g. `https://img.example`. */
  readonly baseUrl: string;
  readonly routes: { readonly image: string; readonly video: string };
  readonly seoUrls: boolean;
  readonly ids: PublicIdCodec;
  /** Base of media URLs when files are delivered by a CDN or a public bucket; default `${baseUrl}/images`. */
  readonly mediaBaseUrl?: string | null;
}

/** Every public URL Pinhole hands out is built here, so the routes that serve them agree. */
export class UrlBuilder {
  readonly basePath: string;

  constructor(private readonly options: UrlBuilderOptions) {
    this.basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Whether viewer paths carry the title's slug (`/image/slug.id`) rather than the id alone. */
  get seoUrls(): boolean {
    return this.options.seoUrls;
  }

  routeFor(kind: 'image' | 'video'): string {
    return kind === 'video' ? this.options.routes.video : this.options.routes.image;
  }

  mediaUrl(key: string): string {
    const base = this.options.mediaBaseUrl;
    return base ? `${base}/${key}` : `${this.options.baseUrl}/images/${key}`;
  }

  /** `/image/slug.id`, relative to the site root. */
  viewerPath(image: Pick<ImageRecord, 'id' | 'kind' | 'title'>): string {
    const id = this.options.ids.encode(image.id);
    const slug = this.options.seoUrls ? viewerSlug(image.title) : '';
    return `${this.basePath}/${this.routeFor(image.kind)}/${slug ? `${slug}.${id}` : id}`;
  }

  viewerUrl(image: Pick<ImageRecord, 'id' | 'kind' | 'title'>): string {
    return `${new URL(this.options.baseUrl).origin}${this.viewerPath(image)}`;
  }

  shortUrl(image: Pick<ImageRecord, 'id' | 'kind'>): string {
    return `${this.options.baseUrl}/${this.routeFor(image.kind)}/${this.options.ids.encode(image.id)}`;
  }

  deleteUrl(image: Pick<ImageRecord, 'id' | 'kind'>, secret: string): string {
    return `${this.shortUrl(image)}/delete/${secret}`;
  }

  tagUrl(urlKey: string): string {
    return `${this.options.baseUrl}/tag/${urlKey}`;
  }

  encodeId(id: number): string {
    return this.options.ids.encode(id);
  }
}
