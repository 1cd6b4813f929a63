#!/usr/bin/env node
// Runs the TypeScript sources directly: one less build step between a checkout and a running shop.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
