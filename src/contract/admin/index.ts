export * from './catalog.ts';
export * from './auth.ts';
export * from './renders.ts';
export * from './audit.ts';
export * from './transfer.ts';
export * from './system.ts';
