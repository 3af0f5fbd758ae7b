#!/usr/bin/env node
// The `pinhole` command runs the compiled CLI (npm install builds it through `prepare`).
import { cli } from '../dist/cli/main.js';

process.exitCode = await cli(process.argv.slice(2));
