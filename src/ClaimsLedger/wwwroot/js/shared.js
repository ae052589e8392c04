// What every page imports: DOM helpers, the API, and small views shared between pages.
export * from './dom.js';
export { get, post, url, problemView, ApiError } from './api.js';
export { replaceQuery } from './router.js';
import { h } from './dom.js';

/** A Flip rating as a badge: "half-flip" -> "Half Flip", coloured by css/app.css. */
export function ratingBadge(rating) {
  const labels = { 'no-flip': 'No Flip', 'half-flip': 'Half Flip', 'full-flop': 'Full Flop' };
  return h('span', { class: `badge ${rating}` }, labels[rating] ?? rating);
}

export function timelineHref(kind, actorId, topicId, query = {}) {
  const path = `#/timeline/${kind === 'speaker' || kind === 'speakers' ? 'speakers' : 'organizations'}/${actorId}/${topicId}`;
  const text = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
  return text ? `${path}?${text}` : path;
}

/** Who said it: "Peter Cook, Pentagon spokesman (U.S. Department of Defense)", each a text node. */
export function attribution(attribution) {
  if (!attribution) return '';
  return [
    h('a', { href: `#/speakers/${attribution.speakerId}/scorecard` }, attribution.speakerName),
    attribution.roleTitle ? `, ${attribution.roleTitle}` : '',
    attribution.organizationName ? ` (${attribution.organizationName})` : '',
  ];
}

export function heading(title, ...rest) {
  return h('header', { class: 'page-head' }, h('h1', {}, title), rest);
}
