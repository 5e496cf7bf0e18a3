#!/usr/bin/env node
// The real process is wired here once; everything below takes its I/O as an argument.
import { main } from '../dist/cli/svl.js';
main(process);
