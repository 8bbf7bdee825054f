/**
 * `JSON.stringify(items)` for an array of objects the read model keeps between questions (an
 * arrangement's attention items, its summary), written from each one's JSON, made once and kept
 * with the object in `cache` (dropped with it). The objects are never changed once made.
 */
export function keptJsonArray<T extends object>(items: readonly T[], cache: WeakMap<T, string>): string {
  let text = '[';
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    let json = cache.get(item);
    if (json === undefined) cache.set(item, (json = JSON.stringify(item)));
    text += index === 0 ? json : `,${json}`;
  }
  return `${text}]`;
}
