'use strict';
/**
 * autocannon `setupRequest` for the command runs. It runs inside autocannon's worker
 * thread, which `require`s it by path and has no ts-node: hence plain JavaScript.
 *
 * The request carries a `spec` (structured-cloned into the worker):
 * - `{ kind: 'signatures', poolFile }`: the next unused signature of a pre-generated pool
 *   (`[agreementId, party, signedOn]` triples, each valid exactly once). Past the end of the
 *   pool it wraps around; the service then answers 422 already-signed, which is counted as
 *   non-2xx, so an exhausted pool shows in the results instead of inflating them.
 * - `{ kind: 'transfers', federation, members, areas, from, to, seed }`: a transfer of a
 *   random member's random charter area to the federation, effective on a random day in
 *   [from, to] (all valid: the members joined on the day it was formed).
 * Every body is unique, and each request gets its own command id (no Idempotency-Key).
 */
const { readFileSync } = require('node:fs');

let pool;
let next = 0;
let state;

function random() {
  // mulberry32
  let t = (state = (state + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const DAY = 86400000;

function day(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

const HEADERS = { 'content-type': 'application/json', 'x-source-system': 'samverkan-bench' };

module.exports = function setupRequest(request) {
  const spec = request.spec;
  request.method = 'POST';
  request.headers = HEADERS;
  if (spec.kind === 'signatures') {
    if (pool === undefined) pool = JSON.parse(readFileSync(spec.poolFile, 'utf8'));
    const [id, party, signedOn] = pool[next++ % pool.length];
    request.path = `/v1/agreements/${id}/signatures`;
    request.body = JSON.stringify({ party, signedOn });
    return request;
  }
  if (state === undefined) state = spec.seed >>> 0;
  const code = spec.members[Math.floor(random() * spec.members.length)];
  const area = spec.areas[Math.floor(random() * spec.areas.length)];
  const from = Date.parse(`${spec.from}T00:00:00Z`);
  const to = Date.parse(`${spec.to}T00:00:00Z`);
  const effective = from + Math.floor(random() * ((to - from) / DAY + 1)) * DAY;
  const decided = Math.max(from - 200 * DAY, effective - Math.floor(random() * 120) * DAY);
  request.path = `/v1/municipalities/${code}/transfers`;
  request.body = JSON.stringify({ serviceArea: area, basis: { kind: 'federation', id: spec.federation }, decidedOn: day(decided), effectiveFrom: day(effective) });
  return request;
};
