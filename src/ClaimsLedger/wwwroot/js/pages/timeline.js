// A position timeline: an actor's stance on a topic over stated time, drawn on the topic's ladder,
// with shifts (Flip rating) and retractions marked, "as of" (stated time) and "as known on"
// (recorded time) controls, and every plotted point also listed in a table (keyboard and
// screen-reader users read the same data the chart draws).
import { h, clear, get, problemView, section, externalLink, instant, ratingBadge, attribution, heading } from '../shared.js';
import { chart, ratingColours } from '../chart.js';
import { replaceQuery } from '../router.js';

export const name = 'timeline';

export async function render(main, { params, query }) {
  const path = `/api/positions/${params.actorKind}/${params.actorId}/topics/${params.topicId}`;
  const asOf = h('input', { type: 'date', id: 'as-of', name: 'asOf', value: query.asOf ?? '' });
  // Recorded times are microsecond instants: the picker takes milliseconds (UTC), enough to fall
  // between two statements recorded one request apart.
  const knownAt = h('input', { type: 'datetime-local', id: 'known-at', name: 'knownAt', step: '0.001', value: localValue(query.knownAt) });
  const reset = h('button', { type: 'button', class: 'secondary', id: 'reset-time' }, 'Now');
  const title = heading('Position timeline');
  const summary = h('div', { id: 'timeline-summary' });
  const canvas = h('div', { class: 'chart', id: 'timeline-chart', role: 'img', 'aria-label': 'Stance over stated time; the same points are listed in the table below' });
  const detail = h('div', { id: 'point-detail', class: 'card detail', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Hover or select a point (or a row below) to read the statement.'));
  const points = h('div', { id: 'timeline-table' });
  const shifts = h('div', { id: 'timeline-shifts' });
  const status = h('p', { class: 'muted', role: 'status', id: 'timeline-status' });

  main.append(title,
    h('form', { class: 'controls card', id: 'time-travel', on: { submit: event => { event.preventDefault(); redraw(); } } },
      h('label', { for: 'as-of' }, 'As of (stated)'), asOf,
      h('label', { for: 'known-at' }, 'As known on (recorded, UTC)'), knownAt,
      h('button', { type: 'submit' }, 'Show'), reset, status),
    summary,
    h('div', { class: 'chart-row' }, canvas, detail),
    section('Points, in stated order', points),
    section('Shifts', shifts));

  const drawn = chart(canvas, {});
  let entries = [];
  drawn.instance.on('click', event => select(event.data?.entryIndex));
  asOf.addEventListener('change', redraw);
  knownAt.addEventListener('change', redraw);
  reset.addEventListener('click', () => { asOf.value = ''; knownAt.value = ''; redraw(); });

  function select(index) {
    const entry = entries[index];
    if (!entry) return;
    clear(detail).append(entryDetail(entry));
    points.querySelectorAll('tr.selected').forEach(row => row.classList.remove('selected'));
    points.querySelector(`tr[data-index="${index}"]`)?.classList.add('selected');
    drawn.instance.dispatchAction({ type: 'downplay' });
    const [seriesIndex, dataIndex] = locate(index);
    if (dataIndex >= 0) drawn.instance.dispatchAction({ type: 'highlight', seriesIndex, dataIndex });
  }

  // Which series and data index draw entry `index` (standing entries on the line, retracted ones apart).
  function locate(index) {
    const series = drawn.instance.getOption().series ?? [];
    for (let seriesIndex = 0; seriesIndex < series.length; seriesIndex++) {
      const dataIndex = (series[seriesIndex].data ?? []).findIndex(item => item.entryIndex === index);
      if (dataIndex >= 0) return [seriesIndex, dataIndex];
    }
    return [0, -1];
  }

  async function redraw() {
    const when = { asOf: asOf.value, knownAt: knownAt.value ? isoFromLocal(knownAt.value) : '' };
    replaceQuery(when);
    status.textContent = 'Loading…';
    canvas.setAttribute('aria-busy', 'true');
    try {
      const view = await get(path, when);
      entries = view.entries;
      clear(title).append(h('h1', {}, view.actor.name), h('p', { class: 'subtitle' }, 'on ', view.topic.title));
      clear(summary).append(summaryView(view, when));
      drawn.update(option(view));
      canvas.dataset.points = String(view.entries.filter(entry => entry.stance.rank >= 0).length);
      canvas.dataset.retracted = String(view.entries.filter(entry => entry.retracted && entry.stance.rank >= 0).length);
      clear(points).append(pointsTable(view, select));
      clear(shifts).append(shiftsList(view));
      status.textContent = `${view.entries.length} statement(s)` +
        (when.asOf ? `, as of ${when.asOf}` : '') + (when.knownAt ? `, as known on ${instant(when.knownAt)}` : '');
    } catch (error) {
      status.textContent = '';
      clear(summary).append(problemView(error));
    } finally {
      canvas.setAttribute('aria-busy', 'false');
      // Tests and assistive tech wait for this: the chart and table now show the view asked for.
      main.dataset.drawn = `${asOf.value}|${knownAt.value}`;
    }
  }

  await redraw();
  return () => drawn.dispose();
}

function summaryView(view, when) {
  const current = view.current;
  return h('div', { class: 'summary' },
    h('p', {}, current
      ? ['Current position', when.asOf || when.knownAt ? ' (then)' : '', ': ', h('strong', {}, current.stance.label), ` since ${current.statedAt}`]
      : 'No standing position.'),
    h('p', { class: 'meta' }, `Ladder: ${view.topic.ladder.map(rung => rung.label).join(' < ')}`));
}

/**
 * x: the statements in stated order, labelled with their stated time. Several statements often share
 * a day (seven on 27 January 2016 in the example), so a proportional time axis would stack them on
 * one spot; stated order keeps every point visible and still reads left to right in time.
 * y: the topic's ladder, as categories in ladder order (bottom rung first).
 */
function option(view) {
  const ladder = view.topic.ladder;
  const shiftInto = new Map(view.shifts.map(shift => [shift.toStatementId, shift]));
  const point = (entry, index) => {
    const shift = shiftInto.get(entry.statementId);
    const flip = shift && shift.rating !== 'no-flip';
    return {
      value: [index, entry.stance.rank],
      entryIndex: index,
      symbolSize: flip ? 14 : 10,
      itemStyle: flip ? { color: ratingColours[shift.rating] } : undefined,
      label: flip ? { show: true, position: 'top', formatter: shift.rating === 'full-flop' ? 'Full Flop' : 'Half Flip', color: ratingColours[shift.rating] } : undefined,
    };
  };
  const standing = view.entries.map((entry, index) => [entry, index]).filter(([entry]) => !entry.retracted && entry.stance.rank >= 0);
  const retracted = view.entries.map((entry, index) => [entry, index]).filter(([entry]) => entry.retracted && entry.stance.rank >= 0);
  return {
    animation: false,
    tooltip: { trigger: 'item', confine: true, formatter: params => tooltip(view.entries[params.data?.entryIndex]) },
    legend: { top: 0, data: ['Position', 'Retracted'] },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', boundaryGap: true, data: view.entries.map(entry => entry.statedAt), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: ladder.map(rung => rung.label), boundaryGap: true },
    series: [
      { name: 'Position', type: 'line', step: 'end', symbol: 'circle', data: standing.map(([entry, index]) => point(entry, index)) },
      { name: 'Retracted', type: 'scatter', symbol: 'emptyDiamond', symbolSize: 14, itemStyle: { color: '#777' },
        data: retracted.map(([entry, index]) => ({ value: [index, entry.stance.rank], entryIndex: index })) },
    ],
  };
}

/** The hover card, built as DOM (ECharts inserts a string formatter's result as HTML). */
function tooltip(entry) {
  if (!entry) return '';
  return h('div', { class: 'tip' },
    h('p', { class: 'quote' }, `“${entry.quote}”`),
    h('p', {}, entry.attribution.speakerName, entry.attribution.roleTitle ? `, ${entry.attribution.roleTitle}` : ''),
    h('p', {}, `${entry.statedAt} · ${entry.stance.label}`, entry.retracted ? ' · retracted' : ''),
    h('p', { class: 'meta' }, entry.sources.map(source => source.outlet).join(', ')));
}

function entryDetail(entry) {
  return h('div', {},
    h('blockquote', { class: 'quote' }, `“${entry.quote}”`),
    h('p', {}, attribution(entry.attribution)),
    h('dl', {},
      h('dt', {}, 'Stated'), h('dd', {}, entry.statedAt),
      h('dt', {}, 'Stance'), h('dd', {}, entry.stance.label),
      entry.rationale ? [h('dt', {}, 'Why'), h('dd', {}, entry.rationale)] : null,
      h('dt', {}, 'Sources'), h('dd', {}, entry.sources.map(source => h('span', { class: 'source' }, externalLink(source.url, source.outlet),
        source.reportedVia ? ` (via ${source.reportedVia})` : ''))),
      h('dt', {}, 'Recorded'), h('dd', {}, instant(entry.recordedAt)),
      entry.retraction ? [h('dt', {}, 'Retracted'), h('dd', {}, entry.retraction.retractedAt, entry.retraction.note ? `: ${entry.retraction.note}` : '')] : null),
    h('p', {}, h('a', { href: `#/statements/${entry.statementId}` }, 'The statement and its history')));
}

function pointsTable(view, select) {
  const shiftInto = new Map(view.shifts.map(shift => [shift.toStatementId, shift]));
  if (!view.entries.length) return h('p', { class: 'muted' }, 'No statements on this timeline at that moment.');
  return h('div', { class: 'table-wrap' }, h('table', { id: 'points' },
    h('caption', {}, 'Every point of the chart; select a row to read it beside the chart'),
    h('thead', {}, h('tr', {}, ['#', 'Stated', 'Stance', 'Quote', 'Said by', 'Source', 'Shift'].map(text => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, view.entries.map((entry, index) => {
      const shift = shiftInto.get(entry.statementId);
      return h('tr', { 'data-index': index, 'data-statement': entry.statementId, class: entry.retracted ? 'retracted' : false },
        h('td', {}, String(index + 1)),
        h('td', {}, entry.statedAt),
        h('td', {}, entry.stance.label),
        h('td', { class: 'quote-cell' }, h('button', { type: 'button', class: 'link', on: { click: () => select(index) } }, entry.quote),
          entry.retracted ? h('span', { class: 'badge retracted' }, 'Retracted') : null),
        h('td', {}, entry.attribution.speakerName, entry.attribution.roleTitle ? `, ${entry.attribution.roleTitle}` : ''),
        h('td', {}, entry.sources.map(source => externalLink(source.url, source.outlet))),
        h('td', {}, shift ? ratingBadge(shift.rating) : ''));
    }))));
}

function shiftsList(view) {
  if (!view.shifts.length) return h('p', { class: 'muted' }, 'No shifts.');
  return h('ol', { class: 'shift-cards' }, view.shifts.map(shift => h('li', { class: 'shift-card' },
    ratingBadge(shift.rating), ` ${shift.from.label} → ${shift.to.label}`,
    h('span', { class: 'meta' }, ` ${shift.fromStatedAt} → ${shift.toStatedAt}`))));
}

// knownAt travels as a UTC instant; the picker shows it in UTC too (no local-time surprises).
function localValue(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().replace('Z', '');
}

function isoFromLocal(value) {
  return new Date(`${value}Z`).toISOString();
}
