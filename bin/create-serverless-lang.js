#!/usr/bin/env node
// What `npm create serverless-lang` runs: the same generator as `svl new`.
import { mainCreate } from '../dist/cli/svl.js';
mainCreate(process);
