// Hash routing: "#/timeline/organizations/ID/TOPIC?asOf=2016-01-28". Each route names a page
// module's render(container, { params, query, user }); a page may return a function that cleans up
// (stops timers, feeds and charts) when the user navigates away.

export function route(hash, routes) {
  const [path, search = ''] = (hash.replace(/^#/, '') || '/').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const [pattern, page] of routes) {
    const names = pattern.split('/').filter(Boolean);
    if (names.length !== parts.length) continue;
    const params = {};
    const matches = names.every((name, index) => {
      if (name.startsWith(':')) {
        params[name.slice(1)] = parts[index];
        return true;
      }
      return name === parts[index];
    });
    if (matches) return { page, params, query: Object.fromEntries(new URLSearchParams(search)) };
  }
  return null;
}

/** Replaces the query of the current hash without a navigation (the page redraws itself). */
export function replaceQuery(query) {
  const [path] = location.hash.split('?');
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const text = params.toString();
  history.replaceState(null, '', text ? `${path}?${text}` : path);
}
