import { assertNever } from '@samverkan/domain';
import type { MunicipalityView, ServiceAreaView, Step } from './types';

/** The reference data: the municipalities registered and the service areas defined. */
export class ReferenceView {
  readonly municipalities = new Map<string, MunicipalityView>();
  readonly serviceAreas = new Map<string, ServiceAreaView>();

  apply(step: Step): void {
    const event = step.recorded.event;
    switch (event.type) {
      case 'MunicipalityRegistered':
        if (!this.municipalities.has(event.data.code)) step.last.added = 'municipality';
        this.municipalities.set(event.data.code, { ...event.data });
        return;
      case 'ServiceAreaDefined':
        if (!this.serviceAreas.has(event.data.slug)) step.last.added = 'service-area';
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
  restore(municipalities: Iterable<[string, MunicipalityView]>, serviceAreas: Iterable<[string, ServiceAreaView]>): void {
    this.municipalities.clear();
    this.serviceAreas.clear();
    for (const [code, view] of municipalities) this.municipalities.set(code, view);
    for (const [slug, view] of serviceAreas) this.serviceAreas.set(slug, view);
  }

  municipalityView(code: string): MunicipalityView {
    return this.municipalities.get(code) ?? { code, name: code, countyCode: code.slice(0, 2), countyName: '' };
  }

  listMunicipalities(county?: string): MunicipalityView[] {
    const all = [...this.municipalities.values()].sort((a, b) => a.code.localeCompare(b.code));
    return county ? all.filter((m) => m.countyCode === county) : all;
  }

  listServiceAreas(): ServiceAreaView[] {
    return [...this.serviceAreas.values()];
  }
}
