#!/usr/bin/env node
// Package bin: hands the command line to the TypeScript CLI (Node >= 22.18 strips types itself).
import '../src/cli/main.ts';
