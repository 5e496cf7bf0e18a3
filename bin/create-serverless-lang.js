#!/usr/bin/env node
// Development entry of the generator (tests, scripts/demo.js); the published create-serverless-lang
// package is packages/create-serverless-lang/, a bundle of the same src/cli/create.ts.
import { mainCreate } from '../dist/cli/create.js';
mainCreate(process);
