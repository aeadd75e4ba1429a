/**
 * Yields the items of `source` transformed by `prepare`, preparing item N+1 while the consumer
 * still works on item N. The sync runner uses it so that reading and mapping the next page
 * (CPU in Node) overlaps with writing the current one (work in PostgreSQL).
 */
export async function* readAhead<T, U>(source: AsyncIterable<T>, prepare: (item: T) => U): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const fetchNext = async (): Promise<IteratorResult<U, undefined>> => {
    const result = await iterator.next();
    return result.done ? { done: true, value: undefined } : { done: false, value: prepare(result.value) };
  };
  let pending = fetchNext();
  try {
    for (;;) {
      const result = await pending;
      if (result.done) return;
      pending = fetchNext();
      // Awaited on the next turn; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
      yield result.value;
    }
  } finally {
    // The consumer stopped early (an error while writing): let the source release its files/sockets.
    await pending.catch(() => undefined);
    await iterator.return?.();
  }
}
