import type { ConnectorInstance, Cursor, Page } from '../../src/connectors/contract.js';

/** Every page of a stream from `cursor`, as the sync runner would read them. */
export async function readAll(instance: ConnectorInstance, stream: string, cursor: Cursor | null = null, signal = new AbortController().signal): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of instance.read(stream, cursor, signal)) {
    pages.push(page);
    if (pages.length > 10_000) throw new Error('read() never finished');
  }
  return pages;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
