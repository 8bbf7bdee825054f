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
});
