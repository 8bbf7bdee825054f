import { DynamicModule, Module } from '@nestjs/common';
import { ProjectionsModule } from '@samverkan/projections';
import { AsyncApiRoute } from './asyncapi/asyncapi-route';
import { EventSubscriptionController } from './events/event-subscription.controller';
import { ProvisionChangeFeed } from './provisions/provision-change-feed';
import { ProvisionSubscriptionController } from './provisions/provision-subscription.controller';
import { SubscriberRegistry } from './sse/subscriber-registry';
import { DEFAULT_SUBSCRIPTION_SETTINGS, SUBSCRIPTION_SETTINGS, SubscriptionSettings } from './subscription-settings';

/**
 * The reporting consumers' feeds (contract: Subscriptions): provision changes and domain
 * events as Server-Sent Events, resumable with Last-Event-ID, and their AsyncAPI document.
 * Needs EVENT_STORE and Clock from the app. Pass the service configuration (or any object with
 * the SAMVERKAN_SSE_* settings); missing settings take the defaults.
 */
@Module({})
export class SubscriptionsModule {
  static forRoot(settings: Partial<SubscriptionSettings> = {}): DynamicModule {
    const resolved: SubscriptionSettings = {
      sseMaxSubscribers: settings.sseMaxSubscribers ?? DEFAULT_SUBSCRIPTION_SETTINGS.sseMaxSubscribers,
      sseBuffer: settings.sseBuffer ?? DEFAULT_SUBSCRIPTION_SETTINGS.sseBuffer,
      sseHeartbeatMs: settings.sseHeartbeatMs ?? DEFAULT_SUBSCRIPTION_SETTINGS.sseHeartbeatMs,
    };
    return {
      module: SubscriptionsModule,
      imports: [ProjectionsModule],
      controllers: [ProvisionSubscriptionController, EventSubscriptionController],
      providers: [{ provide: SUBSCRIPTION_SETTINGS, useValue: resolved }, ProvisionChangeFeed, SubscriberRegistry, AsyncApiRoute],
      exports: [ProvisionChangeFeed, SubscriberRegistry],
    };
  }
}
