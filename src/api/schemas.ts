import { z } from 'zod';

/** Shared response pieces, so every route documents its errors the same way in OpenAPI. */
export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    details: z.unknown().optional(),
  }),
});

export const authErrors = { 401: errorResponse, 403: errorResponse } as const;
