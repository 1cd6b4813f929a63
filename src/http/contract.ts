import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createSerializerCompiler, jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validatorCompiler } from './validation.ts';

/**
 * The routes' Zod schemas are the contract: they validate requests (validatorCompiler), check and
 * strip every JSON answer before it is sent (a route answering outside its schema is a 500, logged
 * with the issues, rather than a silent drift), and become the OpenAPI document served at /docs/json
 * with its browsable page at /docs.
 */
export async function installContract(app: FastifyInstance, options: { version: string }) {
  useZodSchemas(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atelier API',
        version: options.version,
        description:
          'The virtual stylist\'s HTTP API. Errors always look like {"error": {"code", "message"}}; `message` is a sentence for a person. ' +
          "The console's routes (/api/admin) need a session cookie from POST /api/admin/login.",
      },
      tags: [
        { name: 'catalog', description: 'fabric families, colours and cuts' },
        { name: 'renders', description: 'ordering renders and following them' },
        { name: 'looks', description: 'renders saved for a client, shared by link' },
        { name: 'studio', description: "the client photo studio: a client's photo re-clothed, remove/fill (private)" },
        { name: 'legacy', description: "the replaced system's API, in the shapes its front end reads" },
        { name: 'operations', description: 'health, readiness, version' },
        { name: 'admin', description: 'the console (session cookie, roles)' },
      ],
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'atelier_session' } } },
    },
    transform: documentMultipart,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
}

/** Route schemas in `app` (and its children) are Zod: validated and serialized by it. */
export function useZodSchemas(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(createSerializerCompiler({}));
}

/**
 * Multipart routes read their parts as streams in the handler (with size limits as they arrive), so
 * Fastify must not validate a body for them; they declare `multipart: schema` instead, which only the
 * document shows, as a multipart/form-data request body.
 */
const documentMultipart: typeof jsonSchemaTransform = (input) => {
  const { schema, url } = input;
  const multipart = (schema as { multipart?: z.ZodType } | undefined)?.multipart;
  if (!multipart) return jsonSchemaTransform(input);
  const { multipart: _m, ...rest } = schema as Record<string, unknown>;
  const out = jsonSchemaTransform({ ...input, schema: rest as typeof schema });
  const body = z.toJSONSchema(multipart, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  delete body.$schema;
  return { url, schema: { ...out.schema, body, consumes: ['multipart/form-data'] } };
};

declare module 'fastify' {
  interface FastifySchema {
    /** The multipart form a route reads itself: documented, not validated by Fastify. */
    multipart?: unknown;
  }
}
