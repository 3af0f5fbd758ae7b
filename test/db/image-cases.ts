import { expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/db/db-errors.js';
import { createUser, file, newImage, unique, type SuiteContext } from './db-fixtures.js';

export function imageCases(ctx: SuiteContext): void {
  it('round-trips every image field, with files, tags and the delete secret', async () => {
    const db = ctx.db();
    const userId = await createUser(db);
    const key = await db.apiKeys.create({ userId, label: 'k', hash: unique('h'), createdAt: new Date(0) });
    const album = await db.albums.create({ userId, name: 'a', description: null, privacy: 'public', createdAt: new Date(0) });
    const category = await db.categories.create({ name: 'Cats', urlKey: unique('cats') });
    const name = unique('vid');
    const input = newImage({
      userId, apiKeyId: key.id, albumId: album.id, categoryId: category.id,
      kind: 'video', name, extension: 'mp4', mime: 'video/mp4', originalFilename: 'clip.MP4',
      title: 'Title ✓', description: 'multi\nline', size: 5_000_000_123, width: 1920, height: 1080,
      sourceMd5: 'abc', chain: 15, thumbSize: 4_300_000_000, mediumSize: 0, frameSize: 77,
      isAnimated: true, isApproved: false, is360: true, nsfw: true, duration: 12.345,
      date: new Date('2019-01-02T03:04:05.678Z'), uploadedAt: new Date('2024-10-10T12:00:00.001Z'),
      expiresAt: new Date('2099-12-31T23:59:59.999Z'), originalExif: '{"Make":"X"}', uploaderIp: '2001:db8::1',
      tags: ['Zeta', 'alpha', 'Mid'],
      files: [
        file('frame', `2024/10/10/${name}.fr.jpeg`),
        file('image', `2024/10/10/${name}.mp4`, { extension: 'mp4', mime: 'video/mp4', size: 5_000_000_123 }),
        file('thumb', `2024/10/10/${name}.th.jpeg`),
      ],
    });
    const id = await db.images.insert(input, 'secret-hash');
    const found = await db.images.findById(id);
    const byKind = (kind: string): number => ['image', 'thumb', 'medium', 'frame'].indexOf(kind);
    expect(found).toEqual({ ...input, id, views: 0, likes: 0, status: 'active', files: [...input.files].sort((a, b) => byKind(a.kind) - byKind(b.kind)) });
    expect(found?.date).toBeInstanceOf(Date);
    expect(await db.images.getDeleteSecretHash(id)).toBe('secret-hash');
    expect((await db.albums.findById(album.id))?.imageCount).toBe(1);

    await db.images.setDeleteSecretHash(id, 'fresh-hash');
    expect(await db.images.getDeleteSecretHash(id)).toBe('fresh-hash');
    await db.images.incrementViews(id);
    await db.images.incrementViews(id);
    expect((await db.images.findById(id))?.views).toBe(2);
    // Batched views (the viewer page's writer): several images at once, a vanished one skipped.
    const other = await db.images.insert(newImage(), 'h');
    await db.images.addViews(new Map([[id, 3], [other, 1], [id + 1_000_000, 5]]));
    await db.images.addViews(new Map([[other, 2]]));
    expect((await db.images.findById(id))?.views).toBe(5);
    expect((await db.images.findById(other))?.views).toBe(3);
    expect(await db.images.findById(id + 1_000_000)).toBeNull();
  });

  it('reads an image with its owner and its album in one go, each as its own repository reads it', async () => {
    const db = ctx.db();
    const userId = await createUser(db);
    await db.users.update(userId, { language: 'zh-CN', keepExif: true, defaultExpiration: 'P1D' });
    const album = await db.albums.create({ userId, name: 'Trip', description: 'd', privacy: 'password', passwordHash: 'ph', createdAt: new Date(5) });
    const both = await db.images.insert(newImage({ userId, albumId: album.id, tags: ['one'], files: [file('thumb', `${unique('k')}.th.jpeg`)] }), 'h');
    const guest = await db.images.insert(newImage(), 'h');
    const ownerOnly = await db.images.insert(newImage({ userId }), 'h');

    const found = await db.images.findWithOwnerAndAlbum(both);
    expect(found?.image).toEqual(await db.images.findById(both));
    expect(found?.owner).toEqual(await db.users.findById(userId));
    expect(found?.owner?.language).toBe('zh-CN');
    expect(found?.album).toEqual(await db.albums.findById(album.id));
    expect(found?.album?.imageCount).toBe(1);

    expect(await db.images.findWithOwnerAndAlbum(guest)).toEqual({ image: await db.images.findById(guest), owner: null, album: null });
    const alone = await db.images.findWithOwnerAndAlbum(ownerOnly);
    expect([alone?.owner?.id, alone?.album]).toEqual([userId, null]);
    expect(await db.images.findWithOwnerAndAlbum(guest + 1_000_000)).toBeNull();
    // Whatever its status: the caller decides what a deleting upload means.
    await db.images.markDeleting(guest);
    expect((await db.images.findWithOwnerAndAlbum(guest))?.image.status).toBe('deleting');
  });

  it('shares tags between images case-insensitively, keeping the first spelling', async () => {
    const db = ctx.db();
    const sunset = unique('Sunset');
    const beach = unique('beach');
    const a = await db.images.insert(newImage({ tags: [sunset, beach] }), 'h');
    const b = await db.images.insert(newImage({ tags: [beach.toUpperCase(), sunset.toLowerCase(), 'x', 'X'] }), 'h');
    expect((await db.images.findById(a))?.tags).toEqual([sunset, beach]);
    expect((await db.images.findById(b))?.tags).toEqual([beach, sunset, 'x']);
    await db.images.deleteRows(a);
    expect((await db.images.findById(b))?.tags).toEqual([beach, sunset, 'x']);
  });

  it('finds a reusable image per owner, active only, longest-lived first', async () => {
    const db = ctx.db();
    const userId = await createUser(db);
    const sha256 = unique('same');
    const guest = await db.images.insert(newImage({ sha256 }), 'h');
    const expiring = await db.images.insert(newImage({ sha256, userId, expiresAt: new Date('2099-01-01Z') }), 'h');
    const permanent = await db.images.insert(newImage({ sha256, userId }), 'h');
    expect((await db.images.findReusable(null, sha256))?.id).toBe(guest);
    expect((await db.images.findReusable(userId, sha256))?.id).toBe(permanent);
    await db.images.markDeleting(permanent);
    expect((await db.images.findReusable(userId, sha256))?.id).toBe(expiring);
    expect(await db.images.findReusable(userId, unique('other'))).toBeNull();
    for (const id of [guest, expiring, permanent]) await db.images.deleteRows(id);
  });

  it('counts uploads in a window by IP or by API key', async () => {
    const db = ctx.db();
    const userId = await createUser(db);
    const key = await db.apiKeys.create({ userId, label: 'k', hash: unique('h'), createdAt: new Date(0) });
    const ip = unique('203.0.113.9');
    const t = (s: number): Date => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
    await db.images.insert(newImage({ uploaderIp: ip, uploadedAt: t(0) }), 'h');
    await db.images.insert(newImage({ uploaderIp: ip, uploadedAt: t(10), apiKeyId: key.id }), 'h');
    await db.images.insert(newImage({ uploaderIp: ip, uploadedAt: t(20), apiKeyId: key.id }), 'h');
    expect(await db.images.countUploadsSince({ uploaderIp: ip }, t(0))).toBe(3);
    expect(await db.images.countUploadsSince({ uploaderIp: ip }, t(10))).toBe(2);
    expect(await db.images.countUploadsSince({ uploaderIp: ip }, t(21))).toBe(0);
    expect(await db.images.countUploadsSince({ apiKeyId: key.id }, t(0))).toBe(2);
    expect(await db.images.countUploadsSince({ apiKeyId: key.id }, t(11))).toBe(1);
  });

  it('marks deleting once, lists deleting images, and deleteRows removes every row', async () => {
    const db = ctx.db();
    const userId = await createUser(db);
    const album = await db.albums.create({ userId, name: 'a', description: null, privacy: 'private', createdAt: new Date(0) });
    const keep = await db.images.insert(newImage({ albumId: album.id, userId }), 'h');
    const input = newImage({ albumId: album.id, userId, tags: [unique('t')] });
    const id = await db.images.insert(input, 'h');
    expect((await db.albums.findById(album.id))?.imageCount).toBe(2);
    const before = await db.images.count();

    expect(await db.images.markDeleting(id)).toBe(true);
    expect(await db.images.markDeleting(id)).toBe(false);
    expect((await db.images.findById(id))?.status).toBe('deleting');
    expect(await db.images.findDeleting(1000)).toContain(id);
    expect(await db.images.findDeleting(1000)).not.toContain(keep);

    await db.images.deleteRows(id);
    expect(await db.images.findById(id)).toBeNull();
    expect(await db.images.getDeleteSecretHash(id)).toBeNull();
    expect(await db.images.count()).toBe(before - 1);
    expect((await db.albums.findById(album.id))?.imageCount).toBe(1);
    expect(await db.images.findDeleting(1000)).not.toContain(id);
    const keys: string[] = [];
    for await (const entry of db.images.listFileKeys()) if (entry.imageId === id) keys.push(entry.key);
    expect(keys).toEqual([]);
    // The freed file key can be used again: nothing of the old image is left behind.
    const again = await db.images.insert(newImage({ files: input.files, tags: input.tags }), 'h');
    expect((await db.images.findById(again))?.tags).toEqual(input.tags);
    await db.images.deleteRows(id); // deleting twice is harmless
  });

  it('lists deleting images in id order up to the limit', async () => {
    const db = ctx.db();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await db.images.insert(newImage(), 'h'));
    for (const id of ids) await db.images.markDeleting(id);
    const all = await db.images.findDeleting(1000);
    expect(all.filter((id) => ids.includes(id))).toEqual(ids);
    expect(await db.images.findDeleting(2)).toHaveLength(2);
    for (const id of ids) await db.images.deleteRows(id);
  });

  it('finds expired active images, oldest expiry first, up to the limit', async () => {
    // Expiries sit in 1980, before anything other tests create, so the database can be shared.
    const db = ctx.db();
    const at = (day: number): Date => new Date(Date.UTC(1980, 0, day));
    const third = await db.images.insert(newImage({ expiresAt: at(3) }), 'h');
    const first = await db.images.insert(newImage({ expiresAt: at(1) }), 'h');
    const second = await db.images.insert(newImage({ expiresAt: at(2) }), 'h');
    const hidden = await db.images.insert(newImage({ expiresAt: at(1) }), 'h');
    const future = await db.images.insert(newImage({ expiresAt: at(20) }), 'h');
    await db.images.markDeleting(hidden);
    expect(await db.images.findExpired(at(10), 10)).toEqual([first, second, third]);
    expect(await db.images.findExpired(at(10), 2)).toEqual([first, second]);
    expect(await db.images.findExpired(at(2), 10)).toEqual([first]); // strictly before `now`
    for (const id of [first, second, third, hidden, future]) await db.images.deleteRows(id);
  });

  it('enforces unique file keys and leaves no partial rows behind', async () => {
    const db = ctx.db();
    const a = newImage();
    await db.images.insert(a, 'h');
    const before = await db.images.count();
    const clash = newImage({ files: [file('image', unique('k')), file('thumb', a.files[1]?.key ?? '')], tags: [unique('t')] });
    await expect(db.images.insert(clash, 'h')).rejects.toSatisfy(isUniqueViolation);
    await expect(db.transaction((repos) => repos.images.insert(clash, 'h'))).rejects.toSatisfy(isUniqueViolation);
    expect(await db.images.count()).toBe(before);
    expect(await db.images.findReusable(null, clash.sha256)).toBeNull();
    // Had the first file row of the failed insert survived, this would collide with it.
    const retry = await db.images.insert({ ...clash, files: clash.files.slice(0, 1) }, 'h');
    expect((await db.images.findById(retry))?.files.map((f) => f.key)).toEqual([clash.files[0]?.key]);
  });

  it('streams every file key across pages', async () => {
    const db = ctx.db();
    const mine = new Set<string>();
    await db.transaction(async (repos) => {
      for (let i = 0; i < 130; i++) {
        const image = newImage();
        const files = (['image', 'thumb', 'medium', 'frame'] as const).map((kind) => file(kind, `${image.name}.${kind}`));
        for (const f of files) mine.add(f.key);
        await repos.images.insert({ ...image, files }, 'h');
      }
    });
    const seen: string[] = [];
    for await (const entry of db.images.listFileKeys()) seen.push(entry.key);
    expect(seen.length).toBeGreaterThan(500);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((key) => mine.has(key))).toHaveLength(mine.size);
  });

  it('rolls back everything done in a failed transaction', async () => {
    const db = ctx.db();
    const username = unique('ghost');
    const sha256 = unique('sha');
    await expect(
      db.transaction(async (repos) => {
        await repos.users.create({ username, passwordHash: null, isAdmin: false, createdAt: new Date(0) });
        await repos.images.insert(newImage({ sha256 }), 'h');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.users.findByUsername(username)).toBeNull();
    expect(await db.images.findReusable(null, sha256)).toBeNull();
  });
}
