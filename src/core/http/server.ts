import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ConnectorHub } from '../../connectors/hub.js';
import { createPrincipalCache, type PrincipalCache } from '../auth/principal-cache.js';
import type { AppConfig } from '../config/schema.js';
import type { Store } from '../db/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { Logger } from '../logger.js';
import { requirePrincipal } from './auth.js';
import { handleError, handleNotFound } from './error-handler.js';
import { registerHealthRoutes } from './health.js';
import { refuseNulCharacters, registerRateLimits, registerSecurityHeaders, timeoutOptions } from './security.js';
import type { Metrics } from './metrics.js';

export type App = FastifyInstance;
export type ZodApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface HttpDeps {
  config: AppConfig;
  store: Store;
  jobs: JobRunner;
  connectors: ConnectorHub;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** True once graceful shutdown has begun: /readyz turns 503 so load balancers drain us. */
  isShuttingDown(): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolved tokens, briefly; the token routes forget a revoked credential here. */
    principals: PrincipalCache;
    /** Every route as registered (onRoute), for the security sweep and anyone who must enumerate them. */
    routeTable: ReadonlyArray<{ method: string; url: string }>;
  }
}

/** A group of routes under one prefix and audience; the list lives in src/api/routes.ts. */
export interface RouteModule {
  prefix: '/v1' | '/admin' | '';
  audience: 'any' | 'dealer' | 'admin' | 'public';
  register(app: ZodApp, deps: HttpDeps): void;
}

/** Builds the Fastify app without listening (tests use `inject()`; the daemon calls listen). */
export async function buildServer(deps: HttpDeps, routes: readonly RouteModule[]): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; naming the wider type keeps one FastifyInstance type.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.server.bodyLimitBytes,
    trustProxy: deps.config.server.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // A slow or stalled client cannot hold a connection forever (server.*TimeoutMs; security.ts).
    ...timeoutOptions(deps.config),
    return503OnClosing: true,
    // A malformed URL or an over-long path parameter answers in our error shape too (found by test/fuzz).
    // These answer before routing, so no hook adds the request id: set it here.
    frameworkErrors: (error, request, reply) => handleError(error, request, reply.header('x-request-id', request.id)),
  });
  app.decorate('principals', createPrincipalCache());
  const routeTable: Array<{ method: string; url: string }> = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  // The API speaks JSON (the batch route adds CSV and XLSX in its own scope): anything else is 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  await registerSecurityHeaders(app, deps.config);
  await registerRateLimits(app, deps.config);
  refuseNulCharacters(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'dealer-hub API', version: deps.version, description: 'Dealer channels (/v1) and operations (/admin).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  registerHealthRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const module of routes) {
    await app.register(
      async (scope) => {
        if (module.audience !== 'public') requirePrincipal(scope, deps.store, module.audience, app.principals);
        module.register(scope.withTypeProvider<ZodTypeProvider>(), deps);
      },
      { prefix: module.prefix },
    );
  }
  await app.ready();
  return app;
}
