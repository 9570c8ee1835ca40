#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/crilint.mjs by `npm run build` (run by `npm ci` via `prepare`).
import { main } from '../dist/crilint.mjs';

process.exitCode = await main(process.argv.slice(2));
