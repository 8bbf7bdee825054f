import { ConcludeStudyController } from './conclude-study/conclude-study.controller';
import { ConcludeStudyHandler } from './conclude-study/conclude-study.handler';
import { CorrectTransferController } from './correct-transfer/correct-transfer.controller';
import { CorrectTransferHandler } from './correct-transfer/correct-transfer.handler';
import { DefineServiceAreaController } from './define-service-area/define-service-area.controller';
import { DefineServiceAreaHandler } from './define-service-area/define-service-area.handler';
import { DissolveFederationController } from './dissolve-federation/dissolve-federation.controller';
import { DissolveFederationHandler } from './dissolve-federation/dissolve-federation.handler';
import { ExtendAgreementController } from './extend-agreement/extend-agreement.controller';
import { ExtendAgreementHandler } from './extend-agreement/extend-agreement.handler';
import { FormFederationController } from './form-federation/form-federation.controller';
import { FormFederationHandler } from './form-federation/form-federation.handler';
import { JoinFederationController } from './join-federation/join-federation.controller';
import { JoinFederationHandler } from './join-federation/join-federation.handler';
import { LeaveFederationController } from './leave-federation/leave-federation.controller';
import { LeaveFederationHandler } from './leave-federation/leave-federation.handler';
import { ProposeAgreementController } from './propose-agreement/propose-agreement.controller';
import { ProposeAgreementHandler } from './propose-agreement/propose-agreement.handler';
import { ReachMilestoneController } from './reach-milestone/reach-milestone.controller';
import { ReachMilestoneHandler } from './reach-milestone/reach-milestone.handler';
import { RecordCouncilDecisionController } from './record-council-decision/record-council-decision.controller';
import { RecordCouncilDecisionHandler } from './record-council-decision/record-council-decision.handler';
import { RecordReviewController } from './record-review/record-review.controller';
import { RecordReviewHandler } from './record-review/record-review.handler';
import { ScheduleMilestoneController } from './schedule-milestone/schedule-milestone.controller';
import { ScheduleMilestoneHandler } from './schedule-milestone/schedule-milestone.handler';
import { SignAgreementController } from './sign-agreement/sign-agreement.controller';
import { SignAgreementHandler } from './sign-agreement/sign-agreement.handler';
import { StartStudyController } from './start-study/start-study.controller';
import { StartStudyHandler } from './start-study/start-study.handler';
import { TerminateAgreementController } from './terminate-agreement/terminate-agreement.controller';
import { TerminateAgreementHandler } from './terminate-agreement/terminate-agreement.handler';
import { TransferServiceController } from './transfer-service/transfer-service.controller';
import { TransferServiceHandler } from './transfer-service/transfer-service.handler';

/** The use cases: each folder holds its DTO, its handler and its route. */
export const USE_CASE_CONTROLLERS = [
  // Federations and joint committees
  FormFederationController,
  JoinFederationController,
  LeaveFederationController,
  DissolveFederationController,
  // Agreements
  ProposeAgreementController,
  SignAgreementController,
  RecordCouncilDecisionController,
  ExtendAgreementController,
  TerminateAgreementController,
  // Provisions
  TransferServiceController,
  CorrectTransferController,
  // Studies
  StartStudyController,
  ScheduleMilestoneController,
  ReachMilestoneController,
  ConcludeStudyController,
  // Reviews and vocabulary
  RecordReviewController,
  DefineServiceAreaController,
];

export const USE_CASE_HANDLERS = [
  FormFederationHandler,
  JoinFederationHandler,
  LeaveFederationHandler,
  DissolveFederationHandler,
  ProposeAgreementHandler,
  SignAgreementHandler,
  RecordCouncilDecisionHandler,
  ExtendAgreementHandler,
  TerminateAgreementHandler,
  TransferServiceHandler,
  CorrectTransferHandler,
  StartStudyHandler,
  ScheduleMilestoneHandler,
  ReachMilestoneHandler,
  ConcludeStudyHandler,
  RecordReviewHandler,
  DefineServiceAreaHandler,
];
