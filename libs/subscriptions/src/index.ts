export { SubscriptionsModule } from './subscriptions.module';
export { DEFAULT_SUBSCRIPTION_SETTINGS } from './subscription-settings';
export type { SubscriptionSettings } from './subscription-settings';
export { ProvisionChangeFeed } from './provisions/provision-change-feed';
export { SubscriberRegistry } from './sse/subscriber-registry';
