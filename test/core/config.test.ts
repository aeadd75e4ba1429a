import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JSON_SCHEMA_FILE, loadConfig, parseConfigText, renderJsonSchema, resolveConfigPath } from '../../src/core/config/index.js';
import { configSchema } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'dealer-hub-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfigText(text, 'test.yaml', env);

describe('loadConfig: problems point at file:line:col', () => {
  it('reports an unknown key on the key itself, with a suggestion', () => {
    const file = writeConfig('unknown.yaml', 'log:\n  level: info\nserver:\n  host: 0.0.0.0\n  prot: 80\n');
    const error = configError(() => loadConfig(file, {}));
    expect(error.message).toBe(`Invalid configuration in ${file}:\n  - ${file}:5:3 server.prot: unknown key (did you mean "port"?)`);
    expect(error.code).toBe('config_invalid');
  });

  it('lists the allowed keys when nothing is close', () => {
    expect(configError(() => parse('colour: blue\n')).message).toContain(
      `test.yaml:1:1 colour: unknown key; expected one of ${Object.keys(configSchema.shape).join('|')}`,
    );
  });

  it('reports a bad type with line, column and dotted path', () => {
    const file = writeConfig('bad-type.yaml', '# comment\nserver:\n  port: abc\nlog:\n  level: loud\n');
    const lines = configError(() => loadConfig(file, {})).message.split('\n');
    expect(lines).toEqual([
      `Invalid configuration in ${file}:`,
      `  - ${file}:3:9 server.port: expected a number, got "abc"`,
      `  - ${file}:5:10 log.level: expected one of fatal|error|warn|info|debug|trace|silent, got "loud"`,
    ]);
  });

  it('places a missing required key on its parent key', () => {
    const message = configError(() => parse('connectors:\n  sap:\n    host: erp\n')).message;
    expect(message).toContain('test.yaml:2:3 connectors.sap.kind: required, expected a string');
  });

  it('names an unset variable and its line', () => {
    const file = writeConfig('missing-env.yaml', 'connectors:\n  sap:\n    kind: sap\n    password: ${SAP_PASSWORD}\n');
    expect(configError(() => loadConfig(file, {})).message).toBe(
      `Invalid configuration in ${file}:\n  - ${file}:4:15 connectors.sap.password: environment variable SAP_PASSWORD is not set`,
    );
    expect(configError(() => loadConfig(file, { SAP_PASSWORD: '' })).message).toContain('SAP_PASSWORD is empty');
  });

  it('reports a YAML syntax error with its line', () => {
    const file = writeConfig('syntax.yaml', 'log:\n  level: info\nserver: [1, 2\njobs: {}\n');
    const message = configError(() => loadConfig(file, {})).message;
    expect(message).toMatch(new RegExp(`^Invalid configuration in ${file.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}:\n  - ${'.*'}:4:1 syntax error: `));
    expect(configError(() => parse('a: 1\na: 2\n')).message).toContain('test.yaml:2:1 syntax error: Map keys must be unique');
  });

  it('reports every problem at once, in file order', () => {
    const message = configError(() => parse('server:\n  port: -1\n  hots: x\njobs:\n  attempts: 0\n')).message;
    expect(message.split('\n').slice(1)).toEqual([
      '  - test.yaml:2:9 server.port: must be >= 0, got -1',
      '  - test.yaml:3:3 server.hots: unknown key (did you mean "host"?)',
      '  - test.yaml:5:13 jobs.attempts: must be > 0, got 0',
    ]);
  });

  it('refuses a file that does not exist', () => {
    expect(configError(() => loadConfig(path.join(dir, 'nope.yaml'), {})).message).toContain('no such file');
  });
});

describe('${VAR} substitution', () => {
  it('uses defaults and re-reads a whole-reference plain scalar as YAML', () => {
    const config = parse('server:\n  port: ${PORT_X:-8080}\n  trustProxy: ${PROXY:-false}\nlog:\n  pretty: ${PRETTY}\n', { PRETTY: 'true' });
    expect(config.server.port).toBe(8080);
    expect(config.server.trustProxy).toBe(false);
    expect(config.log.pretty).toBe(true);
  });

  it('keeps embedded and quoted references strings', () => {
    const config = parse(
      'redis:\n  prefix: "${ID}"\nconnectors:\n  sap:\n    kind: sap\n    url: http://${ERP_HOST:-erp}:${ERP_PORT}/x\n    client: ${ERP_CLIENT}\n',
      { ID: '1234', ERP_PORT: '8000', ERP_CLIENT: 'a #b: c' },
    );
    expect(config.redis.prefix).toBe('1234');
    expect(config.connectors.sap).toMatchObject({ url: 'http://erp:8000/x', client: 'a #b: c' });
  });

  it('treats an empty variable as unset, so the default applies', () => {
    expect(parse('server:\n  host: ${HOST_X:-localhost}\n', { HOST_X: '' }).server.host).toBe('localhost');
  });

  it('writes $${ as a literal ${', () => {
    const config = parse('connectors:\n  x:\n    kind: http\n    template: "$${order.id}-${SUFFIX:-a}"\n');
    expect(config.connectors.x).toMatchObject({ template: '${order.id}-a' });
  });

  it('never substitutes keys', () => {
    expect(configError(() => parse('server:\n  ${KEY}: 1\n', { KEY: 'port' })).message).toContain('test.yaml:2:3 server["${KEY}"]: unknown key');
  });

  it('rejects a malformed reference', () => {
    expect(configError(() => parse('server:\n  host: ${1x}\n')).message).toContain('test.yaml:2:9 server.host: invalid reference "${1x}"');
  });
});

describe('environment overrides', () => {
  it('lets PORT, HOST, DATABASE_URL, REDIS_URL, LOG_LEVEL and DEALER_HUB_DATA_DIR win over the file', () => {
    const config = parse('server:\n  port: 1000\n  host: a\ndatabase:\n  dataDir: ./here\n', {
      PORT: '9090',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://db/hub',
      REDIS_URL: 'redis://cache',
      LOG_LEVEL: 'debug',
      DEALER_HUB_DATA_DIR: '/var/lib/dealer-hub',
    });
    expect(config.server).toMatchObject({ port: 9090, host: '0.0.0.0' });
    expect(config.database).toMatchObject({ url: 'postgres://db/hub', dataDir: '/var/lib/dealer-hub' });
    expect(config.redis.url).toBe('redis://cache');
    expect(config.log.level).toBe('debug');
  });

  it('ignores empty values', () => {
    expect(parse('server:\n  port: 1000\n', { PORT: '', DATABASE_URL: '' }).server.port).toBe(1000);
  });

  it('names the variable when its value is bad', () => {
    expect(configError(() => parse('server:\n  port: ${PORT:-8080}\n', { PORT: 'abc' })).message).toBe(
      'Invalid configuration in test.yaml:\n  - PORT: expected an integer, got "abc"',
    );
    expect(configError(() => parse('', { PORT: '70000', LOG_LEVEL: 'loud' })).message.split('\n').slice(1)).toEqual([
      '  - LOG_LEVEL (log.level): expected one of fatal|error|warn|info|debug|trace|silent, got "loud"',
      '  - PORT (server.port): must be <= 65535, got 70000',
    ]);
  });
});

describe('normalisation', () => {
  it('resolves dataDir against the working directory and drops empty urls', () => {
    const config = parse('database:\n  dataDir: ./data\n  url: ""\nredis:\n  url: ${REDIS_URL_X:-}\n');
    expect(config.database.dataDir).toBe(path.resolve(process.cwd(), 'data'));
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
  });

  it('treats an empty file and emptied sections as defaults', () => {
    expect(parse('').server.port).toBe(8080);
    expect(parse('schedules:\n  # nothing yet\nconnectors:\n').schedules).toEqual({});
  });

  it('deep-freezes the result', () => {
    const config = parse('');
    expect(Object.isFrozen(config.demo.tokens.dealers)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.demo.tokens.dealers as Record<string, string>).X = 'y';
    }).toThrow(TypeError);
    // Defaults are copied before freezing, so a second load is independent of the first.
    expect(Object.isFrozen(parse('demo:\n  enabled: true\n').demo)).toBe(true);
  });
});

describe('resolveConfigPath', () => {
  it('prefers --config, then DEALER_HUB_CONFIG, then config/demo.yaml under cwd', () => {
    const env = { DEALER_HUB_CONFIG: '/etc/dh/env.yaml' };
    expect(resolveConfigPath('cli.yaml', env, '/srv/app')).toBe('/srv/app/cli.yaml');
    expect(resolveConfigPath(undefined, env, '/srv/app')).toBe('/etc/dh/env.yaml');
    expect(resolveConfigPath('', { DEALER_HUB_CONFIG: '' }, '/srv/app')).toBe('/srv/app/config/demo.yaml');
    expect(resolveConfigPath(undefined, {})).toBe(path.resolve(process.cwd(), 'config/demo.yaml'));
  });
});

describe('shipped files', () => {
  it('config/demo.yaml loads cleanly without any environment', () => {
    const { config, file } = loadConfig(path.join(repo, 'config/demo.yaml'), {});
    expect(file).toBe(path.join(repo, 'config/demo.yaml'));
    expect(config.demo.enabled).toBe(true);
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.demo.tokens.admin).toMatch(/^dh_demo_admin_\w{20,}$/);
    expect(Object.keys(config.demo.tokens.dealers)).toEqual(['D001', 'D002', 'D003', 'D004']);
    for (const [code, token] of Object.entries(config.demo.tokens.dealers)) expect(token).toMatch(new RegExp(`^dh_demo_${code}_\\w{20,}$`));
  });

  it('config/server.example.yaml loads with DATABASE_URL and REDIS_URL set', () => {
    const file = path.join(repo, 'config/server.example.yaml');
    expect(configError(() => loadConfig(file, {})).message).toContain('environment variable DATABASE_URL is not set');
    const { config } = loadConfig(file, { DATABASE_URL: 'postgres://u:p@db/hub', REDIS_URL: 'redis://cache:6379' });
    expect(config).toMatchObject({ demo: { enabled: false }, log: { pretty: false }, database: { url: 'postgres://u:p@db/hub' } });
  });

  it('config/dealer-hub.schema.json is up to date (npm run schema)', () => {
    expect(readFileSync(JSON_SCHEMA_FILE, 'utf8')).toBe(renderJsonSchema());
  });
});
