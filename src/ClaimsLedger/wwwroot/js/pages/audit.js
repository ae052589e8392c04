// The audit view: the raw event log with filters and paging, and the latest signed checkpoint.
import { h, clear, get, problemView, table, instant, heading, section, replaceQuery, ApiError } from '../shared.js';

export const name = 'audit';

export async function render(main, { query, user }) {
  if (!user.canAudit) {
    main.append(heading('Audit'), h('p', {}, 'The event log is for auditors.'));
    return;
  }
  const fields = [['streamId', 'Stream id'], ['type', 'Event type (e.g. quote_corrected)'], ['user', 'Recorded by'], ['from', 'From (recorded)'], ['to', 'To (recorded)']];
  const inputs = Object.fromEntries(fields.map(([key]) => [key, h('input', { type: 'text', id: `filter-${key}`, name: key, value: query[key] ?? '' })]));
  const log = h('div', { id: 'event-log' });
  const checkpoint = h('div', { id: 'checkpoint' });
  main.append(heading('Audit'),
    section('Latest checkpoint', checkpoint),
    h('form', { class: 'controls card', on: { submit: event => { event.preventDefault(); load(); } } },
      fields.map(([key, label]) => [h('label', { for: `filter-${key}` }, label), inputs[key]]),
      h('button', { type: 'submit' }, 'Filter')),
    log);

  try {
    const latest = await get('/api/ledger/checkpoints/latest');
    checkpoint.append(h('dl', {}, Object.entries(latest).map(([key, value]) => [h('dt', {}, key), h('dd', {}, h('code', {}, typeof value === 'string' ? value : JSON.stringify(value)))])));
  } catch (error) {
    checkpoint.append(error instanceof ApiError && error.status === 404 ? h('p', { class: 'muted' }, 'No checkpoint has been issued yet.') : problemView(error));
  }

  async function load(cursor) {
    const filters = Object.fromEntries(Object.entries(inputs).map(([key, input]) => [key, input.value.trim()]));
    replaceQuery(filters);
    if (!cursor) clear(log);
    try {
      const page = await get('/api/events', { ...filters, cursor, limit: 50 });
      log.querySelector('.more')?.remove();
      log.append(table('Events in sequence order', ['Seq', 'Stream', 'Version', 'Type', 'Recorded', 'By', 'Roles', 'Data'],
        page.items.map(event => [String(event.sequence), h('a', { href: `#/audit?streamId=${event.streamId}` }, `${event.streamType ?? ''} ${event.streamId.slice(0, 8)}`),
          String(event.version), event.type, instant(event.recordedAt), event.user ?? '', event.headers?.['user-roles'] ?? '',
          h('details', {}, h('summary', {}, 'data'), h('pre', {}, JSON.stringify(event.data, null, 2)))]), { class: 'compact' }));
      if (page.nextCursor) log.append(h('button', { type: 'button', class: 'more secondary', on: { click: () => load(page.nextCursor) } }, 'Next events'));
    } catch (error) {
      log.append(problemView(error));
    }
  }
  await load();
}
