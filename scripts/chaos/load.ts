/**
 * The load generator: clients that place orders (single and batch) and post EDI interchanges,
 * spread round-robin over the daemons that serve the API, behaving as a careful client behind a
 * load balancer does — a request that gets no answer or a 5xx is sent again to the next daemon
 * with the same Idempotency-Key (the same PO for EDI, in a new interchange). What it keeps is
 * every order the API acknowledged with a 2xx, by our external reference: the invariants check
 * those against the database afterwards.
 */
export interface Acknowledged {
  externalRef: string;
  dealer: string;
  id: string;
  number: string;
  status: string;
  via: 'order' | 'batch' | 'edi';
}

export interface LoadStats {
  operations: number;
  requests: number;
  acknowledged: Acknowledged[];
  /** Operations given up after every retry (not acknowledged; they may or may not exist). */
  abandoned: number;
  /** Answered 4xx: refused on the merits (e.g. over credit, out of stock is held, not refused). */
  refused: number;
  byKind: Record<'order' | 'batch' | 'edi', number>;
}

export interface LoadOptions {
  /** The API bases to spread over (a daemon that is down refuses the connection: the next one is tried). */
  bases: () => string[];
  tokens: Record<string, string>;
  /** Dealer code → ship-to code. */
  shipTos: Record<string, string>;
  ediDealer: string;
  ediSender: string;
  random: () => number;
  clients: number;
  /** Unique per run: external references and keys carry it. */
  tag: string;
  /** Each client waits a random 0..thinkMs between operations. */
  thinkMs?: number;
  requestTimeoutMs?: number;
  retries?: number;
}

const SKUS = ['MLK-250-24', 'MLK-200-24', 'MLK-LF250-24'];

interface Answer {
  status: number;
  body: any;
}

/** Runs clients until stop() resolves their loops; returns the tally. */
export function startLoad(options: LoadOptions): { stop(): Promise<LoadStats>; stats: LoadStats } {
  const stats: LoadStats = { operations: 0, requests: 0, acknowledged: [], abandoned: 0, refused: 0, byKind: { order: 0, batch: 0, edi: 0 } };
  const timeoutMs = options.requestTimeoutMs ?? 8_000;
  const retries = options.retries ?? 12;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(options.random() * items.length)]!;
  let running = true;
  let counter = 0;
  let rr = 0;
  let control = 100;

  /** One logical request, retried across daemons on no answer / 5xx; null when given up. */
  async function send(path: string, init: { method: string; headers: Record<string, string>; body: () => string }): Promise<Answer | null> {
    for (let attempt = 0; attempt <= retries; attempt++) {
      const bases = options.bases();
      if (bases.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      const base = bases[rr++ % bases.length]!;
      stats.requests += 1;
      try {
        const response = await fetch(`${base}${path}`, { method: init.method, headers: init.headers, body: init.body(), signal: AbortSignal.timeout(timeoutMs) });
        const text = await response.text();
        const body = text ? (JSON.parse(text) as unknown) : null;
        if (response.status < 500) return { status: response.status, body };
      } catch {
        // no answer (refused, reset, timed out): the next daemon, same key
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
    return null;
  }

  const line = () => ({ sku: pick(SKUS), qty: 24 });
  const dealers = Object.keys(options.shipTos);

  async function placeOne(): Promise<void> {
    const dealer = pick(dealers);
    const externalRef = `${options.tag}-O${++counter}`;
    const body = JSON.stringify({ externalRef, shipTo: options.shipTos[dealer], lines: [line()] });
    const answer = await send('/v1/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${options.tokens[dealer]}`, 'content-type': 'application/json', 'idempotency-key': `k-${externalRef}` },
      body: () => body,
    });
    tally(answer, () => [{ externalRef, dealer, id: answer!.body.id, number: answer!.body.number, status: answer!.body.status, via: 'order' }]);
  }

  async function placeBatch(): Promise<void> {
    const dealer = pick(dealers);
    const key = `${options.tag}-B${++counter}`;
    const orders = [1, 2, 3].map((i) => ({ externalRef: `${key}-${i}`, shipTo: options.shipTos[dealer], lines: [line(), line()].filter((l, j, all) => all.findIndex((x) => x.sku === l.sku) === j) }));
    const body = JSON.stringify({ orders });
    const answer = await send('/v1/orders/batch', {
      method: 'POST',
      headers: { authorization: `Bearer ${options.tokens[dealer]}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: () => body,
    });
    tally(answer, () =>
      (answer!.body.results as any[])
        .filter((r) => r.status === 'created' || r.status === 'replayed')
        .map((r) => ({ externalRef: String(r.externalRef), dealer, id: r.order.id, number: r.order.number, status: r.order.status, via: 'batch' as const })),
    );
  }

  async function postEdi(): Promise<void> {
    const po = `${options.tag}-E${++counter}`;
    const lines = [line()];
    // A resend carries the same PO in a new interchange (a new control number), as a VAN resends.
    const answer = await send('/v1/edi', {
      method: 'POST',
      headers: { authorization: `Bearer ${options.tokens[options.ediDealer]}`, 'content-type': 'application/edi-x12' },
      body: () => x12Interchange(options.ediSender, ++control, po, lines),
    });
    tally(answer, () =>
      (answer!.body.interchanges as any[])
        .flatMap((i) => i.documents as any[])
        .filter((d) => d.order && (d.status === 'created' || d.status === 'replayed'))
        .map((d) => ({ externalRef: po, dealer: options.ediDealer, id: d.order.id, number: d.order.number, status: d.order.status, via: 'edi' as const })),
    );
  }

  function tally(answer: Answer | null, acknowledged: () => Acknowledged[]): void {
    if (!answer) stats.abandoned += 1;
    else if (answer.status >= 200 && answer.status < 300) stats.acknowledged.push(...acknowledged());
    else stats.refused += 1;
  }

  async function client(): Promise<void> {
    while (running) {
      const roll = options.random();
      const kind = roll < 0.7 ? 'order' : roll < 0.85 ? 'batch' : 'edi';
      stats.operations += 1;
      stats.byKind[kind] += 1;
      await (kind === 'order' ? placeOne() : kind === 'batch' ? placeBatch() : postEdi());
      if (options.thinkMs) await new Promise((resolve) => setTimeout(resolve, options.random() * options.thinkMs!));
    }
  }

  const loops = Array.from({ length: options.clients }, () => client());
  return {
    stats,
    async stop() {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}

/** One X12 850 in its own interchange; items by our SKU under qualifier VN. */
export function x12Interchange(sender: string, controlNumber: number, po: string, lines: Array<{ sku: string; qty: number }>): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  const control = String(controlNumber).padStart(9, '0');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(sender, 15), 'ZZ', pad('DEALERHUB', 15), '261124', '1200', 'U', '00401', control, '0', 'P', '>'].join('*');
  const body = ['ST*850*0001', `BEG*00*SA*${po}**20261124`, ...lines.map((l, i) => `PO1*${i + 1}*${l.qty}*CA*2.30**VN*${l.sku}`), `CTT*${lines.length}`];
  body.push(`SE*${body.length + 1}*0001`);
  return [isa, `GS*PO*${sender}*DEALERHUB*20261124*1200*${controlNumber}*X*004010`, ...body, `GE*1*${controlNumber}`, `IEA*1*${control}`].join('~\n') + '~\n';
}
