export * from './shared/calendar-date';
export * from './shared/domain-error';
export * from './shared/decider';
export * from './shared/provider-basis';
export * from './shared/facts';
export * from './shared/parties';
export * from './shared/terms-of-office';

export * from './municipality/municipality.events';
export * from './municipality/municipality.commands';
export * from './municipality/municipality.decider';

export * from './service-area/service-area';

export * from './federation/federation.events';
export * from './federation/federation.commands';
export * from './federation/federation.state';
export * from './federation/federation.decider';

export * from './agreement/agreement.events';
export * from './agreement/agreement.commands';
export * from './agreement/agreement.state';
export * from './agreement/agreement-status';
export * from './agreement/agreement.decider';

export * from './study/study.events';
export * from './study/study.commands';
export * from './study/study.decider';

export * from './provisions/coverage';
export * from './events';
export * from './streams';
export * from './provisions/provision-timeline';
