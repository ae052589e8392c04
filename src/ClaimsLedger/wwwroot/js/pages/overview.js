// Overview: recent statements, recent shifts (live when the positions feed exists, otherwise
// refreshed on an interval), the position timelines, topic activity as a chart, projection health.
import { h, clear, get, problemView, section, table, loading, instant, ratingBadge, timelineHref, attribution, heading } from '../shared.js';
import { chart } from '../chart.js';
import { subscribe } from '../feed.js';

export const name = 'overview';
const refreshEvery = 30000;

export async function render(main) {
  const statements = h('div', { id: 'recent-statements' }, loading());
  const shifts = h('div', { id: 'recent-shifts' }, loading());
  const timelines = h('div', { id: 'timelines' }, loading());
  const activity = h('div', { id: 'activity' }, loading());
  const health = h('div', { id: 'projection-health' }, loading());
  const live = h('p', { class: 'muted', id: 'live-status', role: 'status' }, 'Connecting to live updates…');

  main.append(heading('Overview'),
    h('div', { class: 'grid' },
      section('Recent shifts', live, shifts),
      section('Recent statements', statements),
      section('Position timelines', timelines),
      section('Topic activity', activity),
      section('Projection health', health)));

  let timer = null;
  let charts = [];
  const refreshLists = () => Promise.all([
    fill(statements, recentStatements),
    fill(shifts, recentShifts),
    fill(health, projectionHealth),
  ]);

  await Promise.all([refreshLists(), fill(timelines, positionTimelines), fill(activity, async () => {
    const view = await topicActivity();
    charts = view.charts;
    return view.element;
  })]);

  let messages = 0;
  const stop = subscribe('/api/feed/positions', {
    onMessage: () => {
      live.dataset.messages = String(++messages);
      // A position moved: a statement was recorded or assessed, so both lists may have changed.
      refreshLists();
    },
    onStatus: state => {
      live.textContent = state === 'open' ? 'Live: shifts appear as positions change.' : 'Reconnecting to live updates…';
      // The feed drops messages for a subscriber that falls behind (by design, so it never blocks):
      // a slow refresh stays on as a safety net while live.
      if (state === 'open' && !timer) timer = setInterval(refreshLists, refreshEvery);
    },
    onUnavailable: () => {
      live.textContent = `No live feed here: the lists refresh every ${refreshEvery / 1000} seconds.`;
      clearInterval(timer);
      timer = setInterval(refreshLists, refreshEvery);
    },
  });

  return () => {
    stop();
    clearInterval(timer);
    charts.forEach(c => c.dispose());
  };
}

async function fill(container, build) {
  try {
    const content = await build();
    clear(container).append(content);
  } catch (error) {
    clear(container).append(problemView(error));
  }
}

async function recentStatements() {
  const page = await get('/api/statements', { limit: 5 });
  if (!page.items.length) return h('p', { class: 'muted' }, 'No statements recorded yet.');
  return h('ol', { class: 'items' }, page.items.map(statement => h('li', {},
    h('blockquote', {}, h('a', { href: `#/statements/${statement.id}` }, `“${statement.quote}”`)),
    h('p', { class: 'meta' }, attribution(statement.attribution), ' · stated ', statement.statedAt,
      statement.retraction ? h('span', { class: 'badge retracted' }, 'Retracted') : null))));
}

async function recentShifts() {
  const list = await get('/api/positions', { limit: 20 });
  const views = await Promise.all(list.items.map(item => get(item.url)));
  const all = views.flatMap(view => view.shifts.map(shift => ({ shift, view })));
  all.sort((a, b) => String(b.shift.toStatedAt).localeCompare(String(a.shift.toStatedAt)));
  const changes = all.filter(({ shift }) => shift.rating !== 'no-flip').slice(0, 5);
  if (!changes.length) return h('p', { class: 'muted' }, 'No shifts yet.');
  return h('ul', { class: 'shift-cards' }, changes.map(({ shift, view }) => h('li', { class: 'shift-card' },
    ratingBadge(shift.rating),
    h('p', {}, h('a', { href: timelineHref(view.actor.kind, view.actor.id, view.topic.id) }, view.actor.name), ' on ', view.topic.title),
    h('p', { class: 'meta' }, `${shift.from.label} → ${shift.to.label}`, ` (${shift.steps > 0 ? '+' : ''}${shift.steps}) · ${shift.fromStatedAt} → ${shift.toStatedAt}`))));
}

async function positionTimelines() {
  const list = await get('/api/positions', { limit: 50 });
  if (!list.items.length) return h('p', { class: 'muted' }, 'No timelines yet: assess a statement\'s stance on a topic.');
  const topics = new Map();
  return table('Every actor with a position on a topic', ['Actor', 'Topic', 'Statements', 'Latest stance'],
    await Promise.all(list.items.map(async item => {
      if (!topics.has(item.topicId)) topics.set(item.topicId, get(`/api/topics/${item.topicId}`));
      const topic = await topics.get(item.topicId);
      return [h('a', { href: timelineHref(item.actor.kind, item.actor.id, item.topicId) }, item.actor.name, item.actor.kind === 'speaker' ? '' : ' (organization)'),
        topic.title, String(item.statements), item.latestStance ?? '—'];
    })), { id: 'timeline-list' });
}

async function topicActivity() {
  const topics = await get('/api/topics', { limit: 50 });
  const charts = [];
  if (!topics.items.length) return { element: h('p', { class: 'muted' }, 'No topics yet.'), charts };
  const select = h('select', { id: 'activity-topic' }, topics.items.map(topic => h('option', { value: topic.id }, topic.title)));
  const bucket = h('select', { id: 'activity-bucket' }, h('option', { value: 'day' }, 'Per day'), h('option', { value: 'week' }, 'Per ISO week'));
  const canvas = h('div', { class: 'chart small', role: 'img', 'aria-label': 'Statements per period on the topic' });
  const details = h('div', {});
  const element = h('div', {},
    h('div', { class: 'controls' }, h('label', { for: 'activity-topic' }, 'Topic'), select, h('label', { for: 'activity-bucket' }, 'Bucket'), bucket),
    canvas, details);
  const drawn = chart(canvas, {});
  charts.push(drawn);
  async function draw() {
    try {
      const view = await get(`/api/topics/${select.value}/activity`, { bucket: bucket.value });
      drawn.update({
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 40 },
        xAxis: { type: 'category', data: view.buckets.map(b => b.label) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: 'Statements', type: 'bar', data: view.buckets.map(b => b.statements) },
          { name: 'Assessed', type: 'bar', data: view.buckets.map(b => b.assessed) },
          { name: 'Retracted', type: 'bar', data: view.buckets.map(b => b.retracted) },
        ],
      });
      clear(details).append(table('Activity by stated period', ['Period', 'Statements', 'Assessed', 'Retracted', 'Speakers'],
        [...view.buckets.map(b => [b.label, String(b.statements), String(b.assessed), String(b.retracted), String(b.speakers)]),
          ...view.imprecise.map(b => [`${b.period} (${b.precision}-precise)`, String(b.statements), String(b.assessed), String(b.retracted), String(b.speakers)])],
        { class: 'compact' }));
    } catch (error) {
      clear(details).append(problemView(error));
    }
  }
  select.addEventListener('change', draw);
  bucket.addEventListener('change', draw);
  await draw();
  return { element, charts };
}

async function projectionHealth() {
  const status = await get('/api/projections');
  return h('div', {},
    h('p', { class: 'meta' }, `Last event ${status.lastSequence} · high-water mark ${status.highWaterMark} · checked ${instant(new Date().toISOString())}`),
    status.stalled
      ? h('p', { class: 'problem', role: 'alert' },
        `Async views stalled since ${instant(status.stalledSince)}: waiting for event ${status.heldGap}, ` +
        'whose transaction has not ended. Nothing is skipped; they resume when it commits or the database ends it.')
      : null,
    table('Each view, how far it has read, and its lag', ['View', 'Kind', 'Sequence', 'Lag', 'Rebuild'],
      status.projections.map(p => [p.name, p.lifecycle, String(p.sequence), h('span', { class: p.lag > 0 ? 'warn' : 'ok' }, String(p.lag)),
        p.rebuild ? JSON.stringify(p.rebuild) : '—']), { class: 'compact' }));
}
