/**
 * Ready-made configurations for desktop upload tools, built around one API key. They are produced
 * only while the plaintext key is at hand (right after creation, or pasted by its owner): the site
 * stores nothing but the key's hash.
 */

export interface ClientConfigInput {
  /** Site base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly key: string;
}

function uploadUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/1/upload`;
}

/** File-name-safe form of the site's host, for download names. */
export function hostSlug(baseUrl: string): string {
  return new URL(baseUrl).host.replace(/[^A-Za-z0-9.-]+/g, '-');
}

/**
 * A ShareX custom uploader (`.sxcu`, the 15.x syntax where `{json:path}` reads the answer). The key
 * travels in a header so it stays out of server logs and URLs.
 */
export function shareXConfig({ baseUrl, key }: ClientConfigInput): Record<string, unknown> {
  return {
    Version: '15.0.0',
    Name: `Pinhole (${new URL(baseUrl).host})`,
    DestinationType: 'ImageUploader, FileUploader',
    RequestMethod: 'POST',
    RequestURL: uploadUrl(baseUrl),
    Headers: { 'X-API-Key': key },
    Body: 'MultipartFormData',
    FileFormName: 'source',
    URL: '{json:image.url}',
    ThumbnailURL: '{json:image.thumb.url}',
    DeletionURL: '{json:image.delete_url}',
    ErrorMessage: '{json:error.message}',
  };
}

/**
 * PicGo / PicList settings in the shape of their `data.json`, with two uploaders: the generic
 * `web-uploader` plugin (its `customHeader` is JSON text, which the plugin parses itself) and the
 * `chevereto` plugin (which sends the key as a form field and reads `image.url`).
 */
export function picGoConfig({ baseUrl, key }: ClientConfigInput): Record<string, unknown> {
  const url = uploadUrl(baseUrl);
  return {
    picBed: {
      uploader: 'web-uploader',
      current: 'web-uploader',
      'web-uploader': {
        url,
        paramName: 'source',
        jsonPath: 'image.url',
        customHeader: JSON.stringify({ 'X-API-Key': key }),
        customBody: '',
      },
      chevereto: {
        url,
        key,
        source_param: 'source',
        url_param: 'url',
      },
    },
    picgoPlugins: {
      'picgo-plugin-web-uploader': true,
      'picgo-plugin-chevereto': true,
    },
  };
}
