import { viewerSlug } from '../../domain/slug.js';
import { tagUrlKey } from '../../domain/tags.js';
import type { PublicIdCodec } from '../../domain/public-id.js';
import type { Album } from '../../ports/repositories.js';
import type { UrlBuilder } from '../../services/url-builder.js';

/** Site paths of albums, profiles, tags and listings; viewer paths come from the UrlBuilder. */
export class GalleryPaths {
  constructor(
    private readonly urls: UrlBuilder,
    private readonly ids: PublicIdCodec,
    private readonly seoUrls: boolean,
  ) {}

  /** `/album/{slug}.{id}` like viewer pages, or `/album/{id}` without SEO slugs or a usable name. */
  album(album: Pick<Album, 'id' | 'name'>): string {
    const id = this.ids.encode(album.id);
    const slug = this.seoUrls ? viewerSlug(album.name) : '';
    return `${this.urls.basePath}/album/${slug ? `${slug}.${id}` : id}`;
  }

  /** Sub-pages of an album (`edit`, `unlock`, `delete`) address it by id alone. */
  albumAction(album: Pick<Album, 'id'>, action: 'edit' | 'unlock' | 'delete'): string {
    return `${this.urls.basePath}/album/${this.ids.encode(album.id)}/${action}`;
  }

  profile(username: string): string {
    return `${this.urls.basePath}/user/${encodeURIComponent(username)}`;
  }

  tag(name: string): string {
    return `${this.urls.basePath}/tag/${tagUrlKey(name)}`;
  }

  absolute(path: string): string {
    return `${new URL(this.urls.baseUrl).origin}${path}`;
  }

  path(name: 'explore' | 'search' | 'newAlbum' | 'move'): string {
    const paths = { explore: '/explore', search: '/search', newAlbum: '/albums/new', move: '/albums/move' } as const;
    return `${this.urls.basePath}${paths[name]}`;
  }
}
