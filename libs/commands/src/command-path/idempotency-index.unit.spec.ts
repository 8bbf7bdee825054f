import { RecordedEvent } from '@samverkan/event-store';
import { deserialize, serialize } from 'node:v8';
import { IdempotencyKeyReusedError } from './command-errors';
import { IdempotencyIndex } from './idempotency-index';

const event = ({ metadata, ...overrides }: Partial<Omit<RecordedEvent, 'metadata'>> & { metadata: Partial<RecordedEvent['metadata']> }): RecordedEvent => ({
  id: 'e-1',
  stream: 'municipality-0580',
  revision: 1,
  position: 10,
  type: 'ServiceTransferred',
  data: {},
  created: '2026-01-01T00:00:00.000Z',
  ...overrides,
  metadata: { commandId: 'c-1', correlationId: 'c-1', causationId: 'c-1', actor: 'a', source: 's', recordedAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1, ...metadata },
});

describe('IdempotencyIndex: exportState / importState', () => {
  it('given an index rebuilt from the log, when its state goes through v8 serialize and into a new index, then that index answers the same', () => {
    const original = new IdempotencyIndex();
    original.observe(event({ metadata: { idempotencyKey: 'k-1', requestHash: 'h-1' } }));
    // A successor transfer the command caused on another stream widens the answer's position.
    original.observe(event({ id: 'e-2', stream: 'municipality-0581', position: 12, metadata: { commandId: 'c-2', correlationId: 'c-1', causationId: 'e-1' } }));
    original.remember('k-2', 'c-3', undefined, { id: '0581', stream: 'municipality-0581', revision: 4, position: 20, events: [{ type: 'ServiceTransferred', id: 'e-3' }] });

    const restored = new IdempotencyIndex();
    restored.importState(deserialize(serialize(original.exportState())));

    expect(restored.size).toBe(2);
    expect(restored.lookup('k-1', 'h-1')).toEqual({ id: '0580', stream: 'municipality-0580', revision: 1, position: 12, events: [{ type: 'ServiceTransferred', id: 'e-1' }] });
    expect(restored.lookup('k-2', 'any')).toEqual(original.lookup('k-2', 'any'));
    expect(() => restored.lookup('k-1', 'another-hash')).toThrow(IdempotencyKeyReusedError);
    // The command-id link survives: a later event the command caused still widens the answer.
    restored.observe(event({ id: 'e-4', stream: 'municipality-0582', position: 30, metadata: { commandId: 'c-5', correlationId: 'c-1', causationId: 'e-1' } }));
    expect(restored.lookup('k-1', 'h-1')?.position).toBe(30);
  });

  it('given a state of another format (an older snapshot), when imported, then it is refused and the index is left as it was', () => {
    const index = new IdempotencyIndex();
    index.remember('k-1', 'c-1', undefined, { id: '0580', stream: 'municipality-0580', revision: 0, position: 1, events: [] });
    expect(() => index.importState({ byKey: new Map(), keyByCommandId: new Map() })).toThrow(/format 2/);
    expect(() => index.importState(null)).toThrow(/format 2/);
    expect(index.size).toBe(1);
  });

  it('given a command-id link that is not the inverse of an entry (a key answered again for another command), when restored, then the link is kept', () => {
    const original = new IdempotencyIndex();
    original.remember('k-1', 'c-1', 'h-1', { id: '0580', stream: 'municipality-0580', revision: 0, position: 1, events: [{ type: 'ServiceTransferred', id: 'e-1' }] });
    original.remember('k-1', 'c-2', 'h-1', { id: '0580', stream: 'municipality-0580', revision: 1, position: 2, events: [{ type: 'ServiceTransferred', id: 'e-2' }] });
    const restored = new IdempotencyIndex();
    restored.importState(deserialize(serialize(original.exportState())));
    // c-1 still leads to k-1: a later event it caused widens k-1's answer in both.
    for (const index of [original, restored]) index.observe(event({ id: 'e-9', stream: 'municipality-0581', position: 40, metadata: { commandId: 'c-9', correlationId: 'c-1', causationId: 'e-1' } }));
    expect(restored.lookup('k-1', 'h-1')).toEqual(original.lookup('k-1', 'h-1'));
    expect(restored.lookup('k-1', 'h-1')?.position).toBe(40);
  });
});
