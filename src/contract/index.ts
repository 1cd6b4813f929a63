/**
 * The API contract: Zod schemas that validate requests and answers on the server, generate the
 * OpenAPI document at /docs, and give the web app its types (`z.infer` of the same schemas).
 * Nothing here may import server code: the web app compiles these files too.
 */
export * from './common.ts';
export * from './enums.ts';
export * from './catalog.ts';
export * from './renders.ts';
export * from './looks.ts';
export * from './clients.ts';
export * from './swatches.ts';
export * as legacy from './legacy.ts';
export * from './health.ts';
export * as admin from './admin/index.ts';
export * from './studio.ts';
