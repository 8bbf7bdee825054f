/**
 * `@samverkan/audit/chain`: the hash chain as pure functions. The command path imports
 * this entry (not `@samverkan/audit`, whose Nest module depends on the command side).
 */
export { canonicalJson } from './canonical-json';
export { CHAIN_VERSION, ChainSealer, EMPTY_CHAIN_HEAD, chainContent, chainHeadOf, chainOf, hashEvent, sealBatch, sha256Hex } from './event-chain';
export type { ChainHead, ChainedContent, EventChain } from './event-chain';
