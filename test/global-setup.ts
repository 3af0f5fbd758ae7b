import { generateFixtures } from './fixtures/generate.js';

/** Media fixtures are generated (sharp, ffmpeg lavfi), never committed. */
export default async function setup(): Promise<void> {
  await generateFixtures();
}
