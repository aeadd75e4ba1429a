import { z } from 'zod';

/**
 * The dealer portal (issue 9, src/portal): people sign in with a username and password (or a
 * one-time link from the CLI) and get a session cookie that authorises the /v1 routes as their
 * dealer, or the /admin routes for an operations login.
 */
const demoUser = z
  .object({
    username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, 'letters, digits, "_", ".", "@" and "-"'),
    dealer: z.string().min(1).optional().describe('Dealer code the user orders for; omit with admin: true.'),
    admin: z.boolean().default(false).describe('An operations login: the held-orders page and the /admin routes.'),
    password: z.string().min(8).describe('Published demo password; the user exists only while demo.enabled is true.'),
  })
  .strict()
  .refine((u) => u.admin !== Boolean(u.dealer), { message: 'give exactly one of dealer: CODE or admin: true' });

export const portalSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Serve the dealer portal at / (false: / answers a small JSON index).'),
    sessionHours: z.number().positive().max(24 * 90).default(12).describe('A session ends this many hours after sign-in (sign in again).'),
    lockout: z
      .object({
        maxFailures: z.number().int().min(1).max(100).default(5).describe('Consecutive wrong passwords that lock the user.'),
        minutes: z.number().positive().max(24 * 60).default(15).describe('How long a locked user stays locked.'),
      })
      .strict()
      .default({ maxFailures: 5, minutes: 15 })
      .describe('Lockout after repeated failed sign-ins.'),
    loginLinkMinutes: z.number().int().min(1).max(7 * 24 * 60).default(30).describe('How long a one-time login link (dealer-hub portal login-link) stays valid.'),
    publicUrl: z.string().url().optional().describe('Base URL people open (e.g. https://order.example.com), for printed login links; default: http://server.host:server.port.'),
    scryptCost: z
      .number()
      .int()
      .min(1024)
      .max(1_048_576)
      .refine((n) => (n & (n - 1)) === 0, 'a power of two')
      .default(32_768)
      .describe('scrypt N for new password hashes (memory ≈ 128 × N × 8 bytes: 32 MiB at 32768); stored per user, so raising it keeps old hashes valid.'),
    demoUsers: z.array(demoUser).default([]).describe('Users created (password reset to this value) while demo.enabled is true, and disabled when it is not.'),
  })
  .strict();

export type PortalConfig = z.output<typeof portalSchema>;
