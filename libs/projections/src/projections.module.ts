import { Module } from '@nestjs/common';
import { ProjectionRunner } from './projection-runner';

/** The in-memory read models and the runner that feeds them. Needs EVENT_STORE from the app. */
@Module({
  providers: [ProjectionRunner],
  exports: [ProjectionRunner],
})
export class ProjectionsModule {}
