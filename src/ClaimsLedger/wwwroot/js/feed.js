// Server-sent events over fetch(), because EventSource cannot send the Authorization header.
//
//   const stop = subscribe('/api/feed/positions', {
//     onMessage: ({ event, data, id }) => ...,   // data is the parsed JSON (or the raw text)
//     onUnavailable: status => ...,             // 404/401/403/405: the feed is not there for us; no retry
//     onStatus: state => ...,                   // 'connecting' | 'open' | 'waiting'
//   });
//   stop();                                      // closes the stream and cancels any reconnect
//
// It parses the text/event-stream format (event:, data: over several lines, id:, retry:, comments),
// reconnects by itself with exponential backoff (1 s doubling to 30 s, or the server's retry:), and
// resumes with Last-Event-ID. Nothing in it is specific to positions: point it at /api/feed/statements.
import { authorization } from './api.js';

const gone = new Set([401, 403, 404, 405, 410]);

export function subscribe(path, { onMessage, onUnavailable = () => {}, onStatus = () => {} }) {
  let controller = null;
  let timer = null;
  let stopped = false;
  let lastEventId = null;
  let delay = 1000;

  async function connect() {
    if (stopped) return;
    controller = new AbortController();
    onStatus('connecting');
    try {
      const headers = { Accept: 'text/event-stream', ...authorization() };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
      if (gone.has(response.status)) {
        stopped = true;
        onUnavailable(response.status);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`feed answered ${response.status}`);
      onStatus('open');
      delay = 1000;
      await read(response.body);
    } catch (error) {
      if (stopped || error?.name === 'AbortError') return;
    }
    if (!stopped) {
      onStatus('waiting');
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { event: 'message', data: [], id: null };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (event.data.length) dispatch(event);
          event = { event: 'message', data: [], id: null };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(text);
        else if (field === 'event') event.event = text;
        else if (field === 'id') event.id = lastEventId = text;
        else if (field === 'retry' && /^\d+$/.test(text)) delay = Number(text);
      }
    }
  }

  function dispatch({ event, data, id }) {
    const text = data.join('\n');
    let parsed = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON: pass the text */ }
    onMessage({ event, data: parsed, id });
  }

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
}
