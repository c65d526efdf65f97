#!/usr/bin/env node
// The CLI is compiled to dist/ on install (npm "prepare"); this shim only points at it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
