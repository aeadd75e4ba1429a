import type { AppConfig } from '../core/config/schema.js';
import type { Queryable } from '../core/db/index.js';
import { migrate } from '../core/db/migrate.js';
import { UserError } from '../core/errors.js';
import { createLoginLink, upsertUser, userForLink } from '../portal/accounts.js';
import { generatePassword } from '../portal/passwords.js';
import { withStore } from './store-commands.js';

/** Where people open the portal: portal.publicUrl, else the address the daemon listens on. */
export function portalUrl(config: AppConfig): string {
  if (config.portal.publicUrl) return config.portal.publicUrl.replace(/\/+$/, '');
  const { host, port } = config.server;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** The link carries its token in the fragment (#/link/…), which browsers never send to the server or its logs. */
export function loginLinkUrl(base: string, token: string): string {
  return `${base}/#/link/${token}`;
}

/**
 * `portal login-link DEALER | --user NAME | --admin`: a one-time sign-in link. In embedded mode
 * the store is the daemon's own folder, so run it while the daemon is stopped (or use server mode).
 */
export async function runLoginLink(config: AppConfig, target: { dealer?: string | undefined; user?: string | undefined; admin: boolean }): Promise<number> {
  const given = [target.dealer, target.user, target.admin || undefined].filter(Boolean).length;
  if (given !== 1) throw new UserError('portal login-link needs exactly one of DEALER-CODE, --user NAME or --admin');
  const link = await withStore(config, async (store) => {
    await migrate(store);
    const user = await userForLink(store, { username: target.user, dealer: target.dealer, admin: target.admin }, config.portal.scryptCost);
    return { user, ...(await createLoginLink(store, user.id, config.portal.loginLinkMinutes)) };
  });
  process.stderr.write(`One-time sign-in link for portal user ${link.user.username}, valid until ${link.expiresAt.toISOString()}:\n`);
  process.stdout.write(`${loginLinkUrl(portalUrl(config), link.token)}\n`);
  return 0;
}

/** `portal user create NAME (--dealer CODE | --admin)`: creates (or resets) a user and prints a new password once. */
export async function runPortalUserCreate(config: AppConfig, username: string | undefined, options: { dealer?: string | undefined; admin: boolean }): Promise<number> {
  if (!username) throw new UserError('portal user create needs a NAME');
  if (Boolean(options.dealer) === options.admin) throw new UserError('portal user create needs exactly one of --dealer CODE or --admin');
  const password = generatePassword();
  await withStore(config, async (store) => {
    await migrate(store);
    await upsertUser(store, { username, dealer: options.dealer, admin: options.admin, password }, config.portal.scryptCost);
  });
  process.stderr.write(`Portal user ${username.toLowerCase()} ${options.dealer ? `for dealer ${options.dealer}` : '(admin)'} has this password; it is shown only this once:\n`);
  process.stdout.write(`${password}\n`);
  return 0;
}

/**
 * What `npm start` prints about the portal in the demo: where it is, the demo users and their
 * published passwords, and a fresh one-time link for the first demo dealer.
 */
export async function portalBannerLines(config: AppConfig, url: string | undefined, store: Queryable): Promise<string[]> {
  if (!url || !config.portal.enabled) return [];
  const base = config.portal.publicUrl?.replace(/\/+$/, '') ?? url;
  const lines = ['', `  Dealer portal: ${base}/`];
  for (const user of config.portal.demoUsers) {
    lines.push(`    ${user.username.padEnd(8)} password ${user.password.padEnd(18)} ${user.admin ? '(operations: held orders)' : `(dealer ${user.dealer})`}`);
  }
  const first = config.portal.demoUsers.find((u) => !u.admin);
  if (first) {
    const user = await userForLink(store, { username: first.username }, config.portal.scryptCost);
    const link = await createLoginLink(store, user.id, config.portal.loginLinkMinutes);
    lines.push(`  or sign in as ${first.username} with this one-time link (${config.portal.loginLinkMinutes} min):`, `    ${loginLinkUrl(base, link.token)}`);
  }
  return lines;
}
