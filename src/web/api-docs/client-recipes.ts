/**
 * The client set-ups of `/api-v1/clients`, as data: the page shows them and the tests replay exactly
 * these requests against a server. Keys are placeholders; a page never carries a real key.
 */

/** ShareX and PicGo set-ups are the settings page's own (src/web/account/client-configs.ts). */
export { shareXConfig, picGoConfig } from '../account/client-configs.js';

export const PICGO_PLUGIN = 'picgo-plugin-web-uploader';

/** The web-uploader fields of a PicGo configuration, as a list for the page's table. */
export function picgoWebUploaderFields(config: Record<string, unknown>): [string, string][] {
  const picBed = config.picBed as Record<string, unknown> | undefined;
  const fields = (picBed?.['web-uploader'] ?? {}) as Record<string, unknown>;
  return Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** uPic's "Custom" host. */
export interface UpicHost {
  readonly apiUrl: string;
  readonly method: 'POST';
  readonly fileField: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** uPic's URL path: the keys leading to the link in the JSON answer. */
  readonly urlPath: readonly string[];
}

export function upicHost(baseUrl: string, key: string): UpicHost {
  return {
    apiUrl: `${baseUrl}/api/1/upload`,
    method: 'POST',
    fileField: 'source',
    headers: [{ name: 'X-API-Key', value: key }],
    urlPath: ['image', 'url'],
  };
}

/** Shell quoting for the shown commands (the arguments contain no single quotes of their own). */
function q(arg: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** A command as the page shows it: one argument group per line, joined with backslashes. */
export function shellLines(command: string, groups: readonly (readonly string[])[]): string {
  return [command, ...groups.map((g) => `  ${g.map(q).join(' ')}`)].join(' \\\n');
}

/** curl reading the screenshot from standard input (`@-`) and answering with the link alone. */
export function screenshotCurlArgs(baseUrl: string, key: string): string[] {
  return ['--fail-with-body', '-sS', '-H', `X-API-Key: ${key}`, '-F', 'source=@-;filename=screenshot.png', '-F', 'format=txt', `${baseUrl}/api/1/upload`];
}

export function flameshotScript(baseUrl: string, key: string): string {
  const a = screenshotCurlArgs(baseUrl, key);
  const curl = shellLines('curl', [a.slice(0, 2), a.slice(2, 4), a.slice(4, 6), a.slice(6, 8), a.slice(8)]);
  return `#!/bin/sh
# Screenshot with Flameshot, upload it, copy the link to the clipboard.
set -e
link=$(flameshot gui --raw | ${curl.replace(/\n/g, '\n  ')})
printf '%s' "$link" | xclip -selection clipboard
echo "$link"`;
}

export function fileCurlArgs(baseUrl: string, key: string, file: string): string[] {
  return ['--fail-with-body', '-sS', '-H', `X-API-Key: ${key}`, '-F', `source=@${file}`, '-F', 'format=txt', `${baseUrl}/api/1/upload`];
}

export function fileCurlText(baseUrl: string, key: string, file: string): string {
  const a = fileCurlArgs(baseUrl, key, file);
  return shellLines('curl', [a.slice(0, 2), a.slice(2, 4), a.slice(4, 6), a.slice(6, 8), a.slice(8)]);
}

/**
 * A bookmarklet that opens the upload of the shown image (or of an address the user gives) as a URL
 * source with `format=redirect`, so the new tab lands on the viewer page. A navigation needs no CORS,
 * which the API does not offer; the price is the key in the URL, which the page warns about.
 */
export function bookmarkletCode(baseUrl: string, key: string, promptText: string): string {
  const body = [
    `const k=${JSON.stringify(key)};`,
    `const s=document.contentType.startsWith('image/')?location.href:prompt(${JSON.stringify(promptText)},(document.images[0]||{}).src||'');`,
    `if(s)window.open(${JSON.stringify(`${baseUrl}/api/1/upload?format=redirect&key=`)}+encodeURIComponent(k)+'&source='+encodeURIComponent(s));`,
  ].join('');
  return `javascript:(()=>{${body}})()`;
}

export function cliExample(baseUrl: string, key: string): string {
  return `export PINHOLE_SERVER=${baseUrl}
export PINHOLE_KEY=${key}
pinhole upload screenshot.png holiday.jpg
pinhole upload --expire P3D --album ALBUM_ID --format json notes.png`;
}
