/**
 * One WSDL, loaded once with node-soap, and its operations called with credentials, a timeout
 * and the caller's abort signal. Every failure leaves here as a dealer-hub error: a SOAP fault,
 * a 5xx, a timeout or a broken connection is transient (TransientError; the relay retries it),
 * 401/403/404 and a missing operation are configuration errors. Answers on the merits (a BAPI
 * RETURN of type E, a ByD Log of severity 3) come back as normal responses; the flavors judge them.
 */
import path from 'node:path';
import { createClientAsync, type Client } from 'soap';
import { isAxiosError } from 'axios';
import { ConfigError, TransientError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createAuth, type AuthOptions } from '../shared/auth.js';
import { translateHttpError, upstreamMessage } from '../shared/errors.js';
import { SecretScrubber, scrubUrl } from '../shared/scrub.js';

export interface SoapServiceSpec {
  wsdl: string;
  endpoint?: string | undefined;
  port?: string | undefined;
}

export interface SoapCallerOptions {
  /** Names the system in messages: `soap byd my123.sapbydesign.com`. */
  system: string;
  auth: AuthOptions;
  timeoutMs: number;
  logger: Logger;
  now: () => Date;
}

export interface WsdlSummary {
  service: string;
  port: string;
  /** Where calls go: the endpoint override or the port's soap:address. */
  endpoint: string;
  operations: string[];
}

export interface SoapCaller {
  readonly system: string;
  /** Loads the WSDL (once; a failed load is retried on the next use). */
  describe(signal?: AbortSignal): Promise<WsdlSummary>;
  /** Calls one operation; resolves to the response body as node-soap reads it ({} when empty). */
  call(operation: string, args: unknown, signal: AbortSignal): Promise<Record<string, unknown>>;
  scrub(text: string): string;
}

type SoapCallback = (error: unknown, result: unknown) => void;
type SoapMethod = (args: unknown, callback: SoapCallback, options: Record<string, unknown>, extraHeaders: Record<string, string>) => void;

interface Loaded {
  summary: WsdlSummary;
  methods: Map<string, SoapMethod>;
}

const isUrl = (location: string) => /^https?:\/\//i.test(location);

/** `https://host/path?x` → `host`; a file → its name. For naming the system in messages. */
export function describeLocation(location: string): string {
  return isUrl(location) ? new URL(location).host : path.basename(location);
}

export function createSoapCaller(spec: SoapServiceSpec, options: SoapCallerOptions): SoapCaller {
  const auth = createAuth(options.auth, { system: options.system, timeoutMs: options.timeoutMs, now: options.now });
  const scrubber = () => new SecretScrubber(auth.secrets);
  const scrub = (text: string) => scrubber().scrub(text);
  const wsdl = isUrl(spec.wsdl) ? spec.wsdl : path.resolve(spec.wsdl);
  let loading: Promise<Loaded> | undefined;

  async function load(signal?: AbortSignal): Promise<Loaded> {
    loading ??= (async () => {
      const { headers } = await auth.apply(signal ?? AbortSignal.timeout(options.timeoutMs));
      let client: Client;
      try {
        client = await createClientAsync(
          wsdl,
          {
            // node-soap caches parsed WSDLs process-wide by default; each instance keeps its own client instead.
            disableCache: true,
            wsdl_headers: headers,
            wsdl_options: { timeout: options.timeoutMs },
            ...(spec.endpoint ? { endpoint: spec.endpoint } : {}),
          },
          spec.endpoint,
        );
      } catch (error) {
        throw translateLoadError(error);
      }
      return pickPort(client);
    })();
    try {
      return await loading;
    } catch (error) {
      loading = undefined;
      throw error;
    }
  }

  function translateLoadError(error: unknown): Error {
    const where = `${options.system}: WSDL ${scrubUrl(spec.wsdl)}`;
    const message = (error as Error)?.message ?? String(error);
    // node-soap reports a non-200 WSDL download as text only: "Invalid WSDL URL: … Code: 401 …".
    const invalid = /^Invalid WSDL URL: [\s\S]*?Code: (\d+)/.exec(message);
    if (invalid) {
      const status = Number(invalid[1]);
      if (status === 401) return new ConfigError(`${where} answered 401: credentials rejected`, { status });
      if (status === 403) return new ConfigError(`${where} answered 403: not authorised to read the WSDL`, { status });
      if (status === 404) return new ConfigError(`${where} answered 404: no WSDL at this URL`, { status });
      return new TransientError(`${where} answered ${status}`, { status });
    }
    if (isAxiosError(error)) return translateHttpError(error, { system: `${options.system} WSDL`, scrubber: scrubber(), timeoutMs: options.timeoutMs, now: options.now });
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return new ConfigError(`${where}: no such file (${wsdl})`);
    return new ConfigError(scrub(`${where} could not be read: ${message.slice(0, 300)}`));
  }

  function pickPort(client: Client): Loaded {
    const services = client.wsdl.definitions.services;
    for (const [serviceName, service] of Object.entries(services)) {
      for (const [portName, port] of Object.entries(service.ports)) {
        if (spec.port && portName !== spec.port) continue;
        // node-soap defines callable methods per service and port: client[service][port][operation].
        const callable = (client as unknown as Record<string, Record<string, Record<string, SoapMethod>>>)[serviceName]?.[portName] ?? {};
        const methods = new Map(Object.keys(port.binding.methods).map((name) => [name, callable[name]!] as const));
        return { summary: { service: serviceName, port: portName, endpoint: scrubUrl(spec.endpoint ?? String(port.location)), operations: [...methods.keys()] }, methods };
      }
    }
    const ports = Object.values(services).flatMap((service) => Object.keys(service.ports));
    throw new ConfigError(
      spec.port
        ? `${options.system}: the WSDL has no port ${spec.port}; it has ${ports.join(', ') || 'none'}`
        : `${options.system}: the WSDL ${scrubUrl(spec.wsdl)} declares no service port`,
    );
  }

  /** A node-soap failure → TransientError / ConfigError, in the upstream's words, without secrets. */
  function translateSoapError(error: unknown, operation: string, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
    const e = error as { response?: { status?: number; data?: unknown }; root?: { Envelope?: { Body?: { Fault?: unknown } } }; body?: unknown; message?: string };
    const where = `${options.system}: ${operation}`;
    const status = e?.response?.status;
    const fault = e?.root?.Envelope?.Body?.Fault;
    if (fault !== undefined) {
      const said = faultText(fault);
      const details = { status, fault: scrub(said) };
      if (status === 401 || status === 403) return new ConfigError(scrub(`${where} answered ${status}: ${said}`), details);
      return new TransientError(scrub(`${where} answered a SOAP fault${status ? ` (HTTP ${status})` : ''}: ${said}`), details);
    }
    if (status !== undefined && status >= 300 && !isAxiosError(error)) {
      // An HTTP error without a SOAP envelope: a login page, an empty 401, a gateway's 502.
      const said = upstreamMessage(typeof e.body === 'string' ? e.body : e.response?.data);
      const suffix = said ? `: ${said}` : '';
      if (status === 401) return new ConfigError(scrub(`${where} answered 401: credentials rejected${suffix}`), { status });
      if (status === 403) return new ConfigError(scrub(`${where} answered 403: not authorised for this service${suffix}`), { status });
      if (status === 404) return new ConfigError(scrub(`${where} answered 404: no service at this endpoint — check endpoint/wsdl${suffix}`), { status });
      return new TransientError(scrub(`${where} answered ${status}${suffix}`), { status });
    }
    if (isAxiosError(error)) return translateHttpError(error, { system: where, scrubber: scrubber(), timeoutMs: options.timeoutMs, now: options.now }, signal);
    return new TransientError(scrub(`${where} failed: ${e?.message ?? String(error)}`));
  }

  return {
    system: options.system,
    scrub,
    async describe(signal) {
      return (await load(signal)).summary;
    },
    async call(operation, args, signal) {
      signal.throwIfAborted();
      const loaded = await load(signal);
      const method = loaded.methods.get(operation);
      if (!method) {
        throw new ConfigError(`${options.system}: the WSDL has no operation ${operation}; it has ${loaded.summary.operations.join(', ') || 'none'}`);
      }
      const { headers } = await auth.apply(signal);
      const started = Date.now();
      const result = await new Promise<unknown>((resolve, reject) => {
        method(args, (error, body) => (error ? reject(translateSoapError(error, operation, signal)) : resolve(body)), { timeout: options.timeoutMs, signal }, headers);
      });
      options.logger.debug({ operation, ms: Date.now() - started }, 'soap call');
      return result && typeof result === 'object' ? (result as Record<string, unknown>) : {};
    },
  };
}

/** SOAP 1.1 faultstring / 1.2 Reason, plus ByD's StandardFaultMessage texts when present. */
function faultText(fault: unknown): string {
  const f = (fault ?? {}) as Record<string, any>;
  const main = text(f.faultstring) ?? text(f.Reason?.Text) ?? text(f.faultcode) ?? 'no fault text';
  const standard = f.detail?.StandardFaultMessage;
  const extra = [text(standard?.standard?.faultText), ...asArray(standard?.addition?.Log?.Item).map((item: any) => text(item?.Note))].filter(
    (t): t is string => Boolean(t) && t !== main,
  );
  return [main, ...new Set(extra)].join('; ');
}

/** node-soap gives a repeated element as an array and a single one as an object. */
export function asArray<T = any>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Text content of a simple element, whether node-soap read it as a value or as { $value, attributes }. */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') return text((value as { $value?: unknown }).$value);
  const out = String(value).trim();
  return out === '' ? undefined : out;
}
