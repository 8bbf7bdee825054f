import { ConcludeStudyController, ConcludeStudyHandler } from './conclude-study/conclude-study.controller';
import { CorrectTransferController, CorrectTransferHandler } from './correct-transfer/correct-transfer.controller';
import { DefineServiceAreaController, DefineServiceAreaHandler } from './define-service-area/define-service-area.controller';
import { DissolveFederationController, DissolveFederationHandler } from './dissolve-federation/dissolve-federation.controller';
import { ExtendAgreementController, ExtendAgreementHandler } from './extend-agreement/extend-agreement.controller';
import { FormFederationController, FormFederationHandler } from './form-federation/form-federation.controller';
import { JoinFederationController, JoinFederationHandler } from './join-federation/join-federation.controller';
import { LeaveFederationController, LeaveFederationHandler } from './leave-federation/leave-federation.controller';
import { ProposeAgreementController, ProposeAgreementHandler } from './propose-agreement/propose-agreement.controller';
import { ReachMilestoneController, ReachMilestoneHandler } from './reach-milestone/reach-milestone.controller';
import { RecordCouncilDecisionController, RecordCouncilDecisionHandler } from './record-council-decision/record-council-decision.controller';
import { RecordReviewController, RecordReviewHandler } from './record-review/record-review.controller';
import { ScheduleMilestoneController, ScheduleMilestoneHandler } from './schedule-milestone/schedule-milestone.controller';
import { SignAgreementController, SignAgreementHandler } from './sign-agreement/sign-agreement.controller';
import { StartStudyController, StartStudyHandler } from './start-study/start-study.controller';
import { TerminateAgreementController, TerminateAgreementHandler } from './terminate-agreement/terminate-agreement.controller';
import { TransferServiceController, TransferServiceHandler } from './transfer-service/transfer-service.controller';

/** The use cases, each one file `<use-case>/<use-case>.controller.ts`: its DTO, command, handler and route (see use-case.ts). */
const USE_CASES = [
  // Federations and joint committees
  [FormFederationController, FormFederationHandler],
  [JoinFederationController, JoinFederationHandler],
  [LeaveFederationController, LeaveFederationHandler],
  [DissolveFederationController, DissolveFederationHandler],
  // Agreements
  [ProposeAgreementController, ProposeAgreementHandler],
  [SignAgreementController, SignAgreementHandler],
  [RecordCouncilDecisionController, RecordCouncilDecisionHandler],
  [ExtendAgreementController, ExtendAgreementHandler],
  [TerminateAgreementController, TerminateAgreementHandler],
  // Provisions
  [TransferServiceController, TransferServiceHandler],
  [CorrectTransferController, CorrectTransferHandler],
  // Studies
  [StartStudyController, StartStudyHandler],
  [ScheduleMilestoneController, ScheduleMilestoneHandler],
  [ReachMilestoneController, ReachMilestoneHandler],
  [ConcludeStudyController, ConcludeStudyHandler],
  // Reviews and vocabulary
  [RecordReviewController, RecordReviewHandler],
  [DefineServiceAreaController, DefineServiceAreaHandler],
] as const;

export const USE_CASE_CONTROLLERS = USE_CASES.map(([controller]) => controller);
export const USE_CASE_HANDLERS = USE_CASES.map(([, handler]) => handler);
