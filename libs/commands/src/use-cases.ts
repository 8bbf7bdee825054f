import { FormFederationController } from './form-federation/form-federation.controller';
import { FormFederationHandler } from './form-federation/form-federation.handler';
import { TransferServiceController } from './transfer-service/transfer-service.controller';
import { TransferServiceHandler } from './transfer-service/transfer-service.handler';

/** The use cases: each folder holds its DTO, its handler and its route. */
export const USE_CASE_CONTROLLERS = [FormFederationController, TransferServiceController];
export const USE_CASE_HANDLERS = [FormFederationHandler, TransferServiceHandler];
