/** The console's catalogue requests now live in the API contract (src/contract/admin/catalog.ts). */
export * from '../../contract/admin/catalog.ts';
