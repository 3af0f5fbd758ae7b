#!/usr/bin/env node
// The `pinhole` command runs the compiled CLI (npm install builds it through `prepare`).
// `upload` is a client of a site, possibly a remote one: it loads none of the server's modules.
const args = process.argv.slice(2);
if (args[0] === 'upload') {
  const { uploadCommand } = await import('../dist/cli/upload.command.js');
  process.exitCode = await uploadCommand(args.slice(1));
} else {
  const { cli } = await import('../dist/cli/main.js');
  process.exitCode = await cli(args);
}
