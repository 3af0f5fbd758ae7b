import { generateFixtures } from './fixtures/generate.js';
import { generateHostileFixtures } from './fixtures/hostile.js';

/** Media fixtures are generated (sharp, ffmpeg lavfi), never committed. */
export default async function setup(): Promise<void> {
  await generateFixtures();
  // The hostile suite's malformed files and fuzz seeds (test/hostile/), cut from code the same way.
  await generateHostileFixtures();
}
