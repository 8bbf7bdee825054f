import { assertNever } from '@samverkan/domain';
import type { MunicipalityView, ServiceAreaView, Step } from './types';

/** The reference data as a snapshot keeps it. */
export interface ReferenceFacts {
  municipalities: Iterable<[string, MunicipalityView]>;
  serviceAreas: Iterable<[string, ServiceAreaView]>;
  municipalitiesSince: Iterable<[string, number]>;
  serviceAreasSince: Iterable<[string, number]>;
}

/** The reference data: the municipalities registered and the service areas defined, each with when the register first recorded it. */
export class ReferenceView {
  readonly municipalities = new Map<string, MunicipalityView>();
  readonly serviceAreas = new Map<string, ServiceAreaView>();
  /** When each municipality and service area was first recorded (ms), for questions as known at a time. */
  readonly municipalitiesSince = new Map<string, number>();
  readonly serviceAreasSince = new Map<string, number>();

  apply(step: Step): void {
    const event = step.recorded.event;
    switch (event.type) {
      case 'MunicipalityRegistered':
        if (!this.municipalities.has(event.data.code)) {
          step.last.added = 'municipality';
          this.municipalitiesSince.set(event.data.code, step.logged().recordedAtMs);
        }
        this.municipalities.set(event.data.code, { ...event.data });
        return;
      case 'ServiceAreaDefined':
        if (!this.serviceAreas.has(event.data.slug)) {
          step.last.added = 'service-area';
          this.serviceAreasSince.set(event.data.slug, step.logged().recordedAtMs);
        }
        this.serviceAreas.set(event.data.slug, { ...event.data });
        return;
      // Provisions and arrangements name municipalities and areas; they define none.
      case 'ServiceTransferred': case 'CorrectionRecorded':
      case 'FederationFormed': case 'MemberJoined': case 'MemberLeft': case 'FederationDissolved': case 'ReviewRecorded':
      case 'AgreementProposed': case 'AgreementSigned': case 'CouncilDecisionRecorded': case 'AgreementConcluded': case 'AgreementRejected': case 'AgreementExtended': case 'AgreementTerminated':
      case 'StudyStarted': case 'MilestoneScheduled': case 'MilestoneReached': case 'StudyConcluded':
        return;
      default:
        return assertNever(event);
    }
  }

  /** Replaces everything with a snapshot's facts. */
  restore(facts: ReferenceFacts): void {
    for (const map of [this.municipalities, this.serviceAreas, this.municipalitiesSince, this.serviceAreasSince]) map.clear();
    for (const [code, view] of facts.municipalities) this.municipalities.set(code, view);
    for (const [slug, view] of facts.serviceAreas) this.serviceAreas.set(slug, view);
    for (const [code, ms] of facts.municipalitiesSince) this.municipalitiesSince.set(code, ms);
    for (const [slug, ms] of facts.serviceAreasSince) this.serviceAreasSince.set(slug, ms);
  }

  /** Whether the municipality was registered as known at `knownAtMs` (now when undefined). */
  hasMunicipality(code: string, knownAtMs?: number): boolean {
    return knownAtMs === undefined ? this.municipalities.has(code) : (this.municipalitiesSince.get(code) ?? Infinity) <= knownAtMs;
  }

  /** Whether the service area was defined as known at `knownAtMs` (now when undefined). */
  hasServiceArea(slug: string, knownAtMs?: number): boolean {
    return knownAtMs === undefined ? this.serviceAreas.has(slug) : (this.serviceAreasSince.get(slug) ?? Infinity) <= knownAtMs;
  }

  municipalityView(code: string): MunicipalityView {
    return this.municipalities.get(code) ?? { code, name: code, countyCode: code.slice(0, 2), countyName: '' };
  }

  /** The municipalities (of one county), by code; as known at `knownAtMs` when given. */
  listMunicipalities(county?: string, knownAtMs?: number): MunicipalityView[] {
    const all = [...this.municipalities.values()].sort((a, b) => a.code.localeCompare(b.code));
    return all.filter((m) => (!county || m.countyCode === county) && (knownAtMs === undefined || this.hasMunicipality(m.code, knownAtMs)));
  }

  /** The service-area vocabulary in the order it was defined; as known at `knownAtMs` when given. */
  listServiceAreas(knownAtMs?: number): ServiceAreaView[] {
    const all = [...this.serviceAreas.values()];
    return knownAtMs === undefined ? all : all.filter((a) => this.hasServiceArea(a.slug, knownAtMs));
  }
}
