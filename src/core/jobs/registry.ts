import { ConfigError, NotFoundError } from '../errors.js';
import type { JobDefinition } from './types.js';

/** BullMQ forbids ':' in queue names; both runners accept the same names so config is portable. */
const JOB_NAME = /^[a-z][a-z0-9_.-]*$/i;

/** The jobs this process knows, by name. Read-only once built. */
export interface JobRegistry {
  /** Throws NotFoundError for an unknown name. */
  get(name: string): JobDefinition<unknown>;
  has(name: string): boolean;
  names(): string[];
}

/** An explicit list, checked once: names must be unique and usable as queue names. */
export function createJobRegistry(defs: JobDefinition<any>[]): JobRegistry {
  const byName = new Map<string, JobDefinition<unknown>>();
  for (const def of defs) {
    if (!JOB_NAME.test(def.name)) {
      throw new ConfigError(`job name "${def.name}" must match ${JOB_NAME} (it is also the queue name)`);
    }
    if (byName.has(def.name)) throw new ConfigError(`job "${def.name}" is defined twice`);
    byName.set(def.name, def);
  }
  return Object.freeze({
    get(name: string) {
      const def = byName.get(name);
      if (!def) throw new NotFoundError(`unknown job "${name}"`, { job: name, known: [...byName.keys()] });
      return def;
    },
    has: (name: string) => byName.has(name),
    names: () => [...byName.keys()],
  });
}
