import { errorCatalogue } from './catalogue.js';

/**
 * docs/errors.md, rendered from the catalogue so the document and the code cannot disagree
 * (regenerate with `npx tsx test/tools/write-errors-doc.ts`).
 */
export function renderErrorsDoc(): string {
  const rows = Object.entries(errorCatalogue).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${e.chevereto} | ${e.message} | ${e.hint} |`,
  );
  return `# Errors

<!-- Generated from src/errors/catalogue.ts by \`npx tsx test/tools/write-errors-doc.ts\`; do not edit by hand. -->

Every error under \`/api/1/\` is answered in Chevereto's envelope with the real HTTP status:

\`\`\`json
{"status_code": 413, "error": {"message": "File too big - max 5 MB", "code": 400}, "status_txt": "Payload Too Large"}
\`\`\`

With \`format=txt\` or \`format=redirect\` the same message comes as \`text/plain\` with the same status.
Flood errors carry \`Retry-After\`. \`error.code\` keeps Chevereto's numeric code so existing clients keep working.
The same table is on the site's API page (\`/api-v1\`, in English and 简体中文), and the
OpenAPI document (\`/openapi.json\`) lists the codes each status can carry.

| code | HTTP | Chevereto code | message | what to do |
|---|---|---|---|---|
${rows.join('\n')}
`;
}
