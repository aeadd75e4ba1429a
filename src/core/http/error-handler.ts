import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import {
  ConflictError,
  DealerHubError,
  ForbiddenError,
  NotFoundError,
  TransientError,
  UnauthorizedError,
  UpstreamRejectedError,
  UserError,
} from '../errors.js';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

/** The one place where the error taxonomy (core/errors) becomes HTTP status codes. */
export function statusFor(error: DealerHubError): number {
  if (error instanceof UserError) return error.status;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof UpstreamRejectedError) return 502;
  if (error instanceof TransientError) return 503;
  return 500;
}

/** Fastify's own client errors (body too large, bad JSON, wrong content type) keep their status. */
function frameworkClientError(error: FastifyError): { status: number; code: string } | undefined {
  const status = error.statusCode ?? 0;
  if (status < 400 || status >= 500) return undefined;
  const codes: Record<number, string> = { 408: 'request_timeout', 413: 'body_too_large', 414: 'uri_too_long', 415: 'unsupported_media_type', 429: 'rate_limited' };
  return { status, code: codes[status] ?? 'bad_request' };
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const requestId = String(request.id);
  const send = (status: number, code: string, message: string, details?: unknown) => {
    const body: ErrorBody = { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
    return reply.code(status).send(body);
  };

  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      where: error.validationContext,
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: issue.message,
    }));
    const first = issues[0];
    const summary = first ? `${first.where} ${first.path || '(root)'}: ${first.message}` : 'invalid request';
    return send(400, 'invalid_request', summary, { issues });
  }
  if (error instanceof DealerHubError) {
    const status = statusFor(error);
    if (error instanceof UnauthorizedError) reply.header('www-authenticate', 'Bearer');
    if (error instanceof TransientError && error.retryAfterMs) {
      reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
    }
    if (status >= 500) request.log.error({ err: error }, error.message);
    return send(status, error.code, error.message, error.details);
  }
  const client = frameworkClientError(error);
  if (client) return send(client.status, client.code, error.message);
  if (isResponseSerializationError(error)) request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
  else request.log.error({ err: error }, 'unhandled error');
  return send(500, 'internal', 'internal error; the request id identifies it in the logs');
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: String(request.id) },
  };
  return reply.code(404).send(body);
}
