import { z } from 'zod';
import { creditSchema } from '../core/config/schema-credit-risk.js';
import type { Store } from '../core/db/index.js';
import { defineJob } from '../core/jobs/index.js';
import { reviewCredit, type CreditReviewSettings } from './review.js';

export const CREDIT_REVIEW_JOB = 'credit.review';

/**
 * Recomputes credit scores and limits (schedule it, e.g. nightly); `dealer` limits it to one.
 * Changes within credit.autoApplyPercent in an auto-apply band are applied, others proposed.
 */
export function creditReviewJob(deps: { store: Store; settings?: CreditReviewSettings | undefined }) {
  const settings = deps.settings ?? { credit: creditSchema.parse({}), timeZone: 'Asia/Shanghai' };
  return defineJob({
    name: CREDIT_REVIEW_JOB,
    payload: z.object({ dealer: z.string().min(1).optional() }).strict(),
    attempts: 1,
    concurrency: 1,
    async handle({ dealer }) {
      const summary = await reviewCredit(deps.store, settings, new Date(), `job:${CREDIT_REVIEW_JOB}`, dealer ?? null);
      return { dealers: summary.dealers, ...summary.counts };
    },
  });
}
