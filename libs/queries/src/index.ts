export { QueriesModule } from './queries.module';
export { matrixCsv } from './matrix/matrix.controller';
