import { RecordReview } from './federation.commands';
import { ReviewRecorded } from './federation.events';
import { Review } from './federation.state';

/** A review (aktualitetsprövning), recorded alike on a federation's and on an agreement's stream. */
export function reviewRecorded(id: string, { reviewedOn, outcome, note }: RecordReview): ReviewRecorded {
  return { type: 'ReviewRecorded', data: { id, reviewedOn, outcome, ...(note !== undefined ? { note } : {}) } };
}

export function withReview<S extends { reviews: Review[] }>(state: S, { reviewedOn, outcome, note }: ReviewRecorded['data']): S {
  return { ...state, reviews: [...state.reviews, { reviewedOn, outcome, ...(note !== undefined ? { note } : {}) }] };
}
