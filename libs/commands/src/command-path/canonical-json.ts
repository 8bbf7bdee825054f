/** Canonical JSON (RFC 8785 style) lives with the audit chain, which hashes events with it; requests are hashed with the same function. */
export { canonicalJson } from '@samverkan/audit';
