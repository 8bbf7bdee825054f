/** The limits of the Server-Sent Events feeds (SAMVERKAN_SSE_* in the service's configuration). */
export interface SubscriptionSettings {
  /** Concurrent subscribers over both feeds; past it a subscription is refused with 503. */
  sseMaxSubscribers: number;
  /** Messages queued for one subscriber that is not reading; past it the subscriber is disconnected. */
  sseBuffer: number;
  /** A comment line this often keeps proxies and clients from timing the stream out; 0: none. */
  sseHeartbeatMs: number;
}

export const SUBSCRIPTION_SETTINGS = Symbol('SUBSCRIPTION_SETTINGS');

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = { sseMaxSubscribers: 200, sseBuffer: 1000, sseHeartbeatMs: 15_000 };

/** How long a subscriber may leave written data unread before it is disconnected, even when its queue is short. */
export function stallTimeoutMs(settings: SubscriptionSettings): number {
  return Math.max(4 * (settings.sseHeartbeatMs || 15_000), 1_000);
}
