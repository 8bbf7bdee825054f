/**
 * `@samverkan/shared`: what the write side and the read side both need, and nothing else:
 * time from outside, the 400 for a malformed request, and reading a stored event (and a
 * stream as of a point) in today's shape. Streams and ids live with the events, in the domain.
 */
export { Clock, SystemClock } from './clock';
export { RequestValidationError } from './request-validation.error';
export { readAsCurrent } from './read-as-current';
export { foldAsOf } from './fold-as-of';
export type { AsOf, Loaded } from './fold-as-of';
