/** Rewrites docs/errors.md from the error catalogue. */
import { writeFile } from 'node:fs/promises';
import { renderErrorsDoc } from '../../src/errors/errors-doc.js';

await writeFile(new URL('../../docs/errors.md', import.meta.url), renderErrorsDoc());
process.stdout.write('docs/errors.md written\n');
