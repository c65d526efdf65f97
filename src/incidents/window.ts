import { impactTitle, incidentTitle, type Message } from './notify.js';

/**
 * A message held for a grouping window, with one more part added: the team reads
 * everything of the window in one message, in the order it happened. An item already
 * in it (the same incident with the same status) is not listed twice.
 */
export function mergeMessages(held: Message, part: Message): Message {
  const seen = new Set(held.items.map((i) => `${i.status}|${i.incident ?? i.fingerprint}`));
  const items = [...held.items];
  for (const item of part.items) {
    const key = `${item.status}|${item.incident ?? item.fingerprint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  const told = new Set(held.impacts.map((i) => i.incident ?? i.fingerprint));
  const impacts = [...held.impacts, ...part.impacts.filter((i) => !told.has(i.incident ?? i.fingerprint))];
  const merged = { ...held, items, impacts };
  return { ...merged, kind: items.length > 0 ? 'incident' : 'impact', title: windowTitle(merged) };
}

/** The title of a grouped message: its incidents, then the upstream problems it tells of. */
export function windowTitle(message: Pick<Message, 'items' | 'impacts' | 'mesh'>): string {
  if (message.items.length === 0) return impactTitle(message.impacts);
  if (message.impacts.length === 0) return incidentTitle(message.items, message.mesh);
  return `${incidentTitle(message.items, message.mesh)}; ${impactTitle(message.impacts)}`;
}
