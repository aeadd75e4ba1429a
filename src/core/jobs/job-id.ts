import { UserError } from '../errors.js';

/*
 * BullMQ 6 rejects custom job ids that contain ':' (unless they split into exactly three
 * parts, a legacy repeatable-job format) and ids that are canonical integers (those are its
 * own generated ids). Schedules produce ids like `sync:sap:products:2026-11-24T10:00:00Z`, so
 * ids are percent-encoded for storage: '%' -> '%25', ':' -> '%3A'. The encoding is
 * reversible, so callers only ever see their own ids. Both runners use these functions so
 * an id that works embedded also works on BullMQ.
 */

/** Rejects ids no runner can store; call on enqueue only (generated ids are integers). */
export function assertValidJobId(id: string): void {
  if (id.length === 0) throw new UserError('job id must not be empty', { field: 'jobId' });
  if (`${Number.parseInt(id, 10)}` === id) {
    throw new UserError(`job id "${id}" must not be an integer (reserved for generated ids)`, { field: 'jobId' });
  }
}

export function encodeJobId(id: string): string {
  return id.replaceAll('%', '%25').replaceAll(':', '%3A');
}

export function decodeJobId(stored: string): string {
  return stored.replaceAll('%3A', ':').replaceAll('%25', '%');
}
