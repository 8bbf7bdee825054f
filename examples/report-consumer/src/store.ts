import Database from 'better-sqlite3';

/** A provision as the feed sends it: over effectiveFrom…until (inclusive days; null: unbounded) this provider on this basis. */
export interface ProvisionSpan {
  municipality: string;
  serviceArea: string;
  provider: { kind: 'municipality' | 'region'; code: string; name: string } | { kind: 'federation'; id: string; name: string };
  basis: { kind: 'in-house' } | { kind: 'federation' | 'joint-committee' | 'agreement'; id: string };
  effectiveFrom: string | null;
  until: string | null;
  lapsed: boolean;
  reason?: string;
  position: number;
}

interface SpanRow {
  municipality: string;
  service_area: string;
  effective_from: string | null;
  until: string | null;
  provider_kind: string;
  provider_ref: string;
  provider_name: string;
  basis_kind: string;
  basis_id: string | null;
  lapsed: number;
  reason: string | null;
  position: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id TEXT NOT NULL,   -- the last id applied: sent back as Last-Event-ID
    filter TEXT NOT NULL           -- the subscription's filter; another one starts over
  );
  -- Every span known from the snapshot's day on: the step function of each cell.
  CREATE TABLE IF NOT EXISTS provision_spans (
    municipality TEXT NOT NULL, service_area TEXT NOT NULL,
    effective_from TEXT, until TEXT,
    provider_kind TEXT NOT NULL, provider_ref TEXT NOT NULL, provider_name TEXT NOT NULL,
    basis_kind TEXT NOT NULL, basis_id TEXT, lapsed INTEGER NOT NULL, reason TEXT, position INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS provision_spans_cell ON provision_spans (municipality, service_area);
  -- The report table: one row per municipality and service area, as on \`on_date\`.
  CREATE TABLE IF NOT EXISTS provisions (
    municipality TEXT NOT NULL, service_area TEXT NOT NULL,
    provider_kind TEXT NOT NULL, provider_ref TEXT NOT NULL, provider_name TEXT NOT NULL,
    basis_kind TEXT NOT NULL, basis_id TEXT, since TEXT, until TEXT, lapsed INTEGER NOT NULL,
    on_date TEXT NOT NULL, position INTEGER NOT NULL,
    PRIMARY KEY (municipality, service_area)
  );
`;

const shift = (day: string, days: number) => new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10) + days)).toISOString().slice(0, 10);

function toRow(span: ProvisionSpan): SpanRow {
  return {
    municipality: span.municipality,
    service_area: span.serviceArea,
    effective_from: span.effectiveFrom,
    until: span.until,
    provider_kind: span.provider.kind,
    provider_ref: span.provider.kind === 'federation' ? span.provider.id : span.provider.code,
    provider_name: span.provider.name,
    basis_kind: span.basis.kind,
    basis_id: span.basis.kind === 'in-house' ? null : span.basis.id,
    lapsed: span.lapsed ? 1 : 0,
    reason: span.reason ?? null,
    position: span.position,
  };
}

/**
 * The consumer's SQLite file. Each batch of messages is applied in one transaction together
 * with the checkpoint, so after a crash the file holds exactly what the checkpoint says and
 * resuming from it sends nothing twice.
 */
export class ReportStore {
  readonly db: Database.Database;
  private readonly spansOf: Database.Statement<[string, string], SpanRow>;
  private readonly deleteCell: Database.Statement<[string, string]>;
  private readonly insertSpan: Database.Statement<[SpanRow]>;
  private readonly upsertProvision: Database.Statement<[SpanRow & { on_date: string }]>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.spansOf = this.db.prepare('SELECT * FROM provision_spans WHERE municipality = ? AND service_area = ? ORDER BY effective_from IS NOT NULL, effective_from');
    this.deleteCell = this.db.prepare('DELETE FROM provision_spans WHERE municipality = ? AND service_area = ?');
    this.insertSpan = this.db.prepare(
      `INSERT INTO provision_spans (municipality, service_area, effective_from, until, provider_kind, provider_ref, provider_name, basis_kind, basis_id, lapsed, reason, position)
       VALUES (@municipality, @service_area, @effective_from, @until, @provider_kind, @provider_ref, @provider_name, @basis_kind, @basis_id, @lapsed, @reason, @position)`,
    );
    this.upsertProvision = this.db.prepare(
      `INSERT INTO provisions (municipality, service_area, provider_kind, provider_ref, provider_name, basis_kind, basis_id, since, until, lapsed, on_date, position)
       VALUES (@municipality, @service_area, @provider_kind, @provider_ref, @provider_name, @basis_kind, @basis_id, @effective_from, @until, @lapsed, @on_date, @position)
       ON CONFLICT (municipality, service_area) DO UPDATE SET provider_kind = excluded.provider_kind, provider_ref = excluded.provider_ref,
         provider_name = excluded.provider_name, basis_kind = excluded.basis_kind, basis_id = excluded.basis_id, since = excluded.since,
         until = excluded.until, lapsed = excluded.lapsed, on_date = excluded.on_date, position = excluded.position`,
    );
  }

  /** The id to resume after, if this file was made for the same filter. */
  checkpoint(filter: string): string | undefined {
    const row = this.db.prepare('SELECT last_event_id, filter FROM checkpoint WHERE id = 1').get() as { last_event_id: string; filter: string } | undefined;
    return row && row.filter === filter ? row.last_event_id : undefined;
  }

  setCheckpoint(id: string, filter: string): void {
    this.db.prepare('INSERT INTO checkpoint (id, last_event_id, filter) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET last_event_id = excluded.last_event_id, filter = excluded.filter').run(id, filter);
  }

  /** Before a snapshot: nothing kept is trusted. */
  clear(): void {
    this.db.exec('DELETE FROM provision_spans; DELETE FROM provisions; DELETE FROM checkpoint;');
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Writes a span over the days it names: the spans it overlaps are cut back (or dropped),
   * then it is inserted; the cell's current provision is refreshed.
   */
  write(span: ProvisionSpan, today: string): void {
    const next = toRow(span);
    const kept: SpanRow[] = [];
    for (const old of this.spansOf.all(next.municipality, next.service_area)) {
      if (next.effective_from !== null && (old.effective_from === null || old.effective_from < next.effective_from)) {
        const cut = shift(next.effective_from, -1);
        kept.push({ ...old, until: old.until !== null && old.until < cut ? old.until : cut });
      }
      if (next.until !== null && (old.until === null || old.until > next.until)) {
        const from = shift(next.until, 1);
        kept.push({ ...old, effective_from: old.effective_from !== null && old.effective_from > from ? old.effective_from : from });
      }
    }
    this.deleteCell.run(next.municipality, next.service_area);
    for (const row of [...kept, next]) this.insertSpan.run(row);
    this.refreshCell(next.municipality, next.service_area, today);
  }

  /** The current provision of one cell: the span that holds `today`. */
  refreshCell(municipality: string, serviceArea: string, today: string): void {
    const holding = this.spansOf.all(municipality, serviceArea).find((s) => (s.effective_from === null || s.effective_from <= today) && (s.until === null || today <= s.until));
    if (holding) this.upsertProvision.run({ ...holding, on_date: today });
  }

  /** Once a day (and after a snapshot): every cell's current provision, for `today`. */
  refreshAll(today: string): number {
    const cells = this.db.prepare('SELECT DISTINCT municipality, service_area FROM provision_spans').all() as { municipality: string; service_area: string }[];
    this.transaction(() => {
      for (const cell of cells) this.refreshCell(cell.municipality, cell.service_area, today);
    });
    return cells.length;
  }

  /** The day the provisions table is for (null: empty). */
  provisionsOn(): string | null {
    const row = this.db.prepare('SELECT MIN(on_date) AS on_date FROM provisions').get() as { on_date: string | null };
    return row.on_date;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM provisions').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
