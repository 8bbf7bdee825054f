import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectionsModule } from '@samverkan/projections';
import { ARRANGEMENT_QUERY_HANDLERS, ArrangementsController } from './arrangements/arrangements.controller';
import { AttentionController, GetAttentionHandler } from './attention/attention.controller';
import { QueryScope } from './http/as-of';
import { GetMatrixHandler, MatrixController } from './matrix/matrix.controller';
import { MUNICIPALITY_QUERY_HANDLERS, MunicipalitiesController } from './municipalities/municipalities.controller';
import { ProvisionsController } from './provisions/provisions.controller';
import { PROVISION_QUERY_HANDLERS } from './provisions/provisions.queries';
import { GetRecipientsHandler, RecipientsController } from './recipients/recipients.controller';

/** Every query of the contract, dispatched through the QueryBus to handlers over the read models. */
@Module({
  imports: [CqrsModule, ProjectionsModule],
  controllers: [MunicipalitiesController, ProvisionsController, MatrixController, RecipientsController, ArrangementsController, AttentionController],
  providers: [QueryScope, ...PROVISION_QUERY_HANDLERS, ...MUNICIPALITY_QUERY_HANDLERS, GetMatrixHandler, GetRecipientsHandler, ...ARRANGEMENT_QUERY_HANDLERS, GetAttentionHandler],
})
export class QueriesModule {}
