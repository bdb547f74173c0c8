// The source and target pickers. Pairs that a ready node serves now come first; other common languages stay
// selectable, because a session may start before its node connects (the scheduler waits a little for one).

const COMMON = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ca', 'ru', 'zh', 'ja', 'ko', 'ar', 'hi'];
const names = new Intl.DisplayNames([navigator.language || 'en', 'en'], { type: 'language' });

export function languageName(code) {
  try {
    return names.of(code) || code;
  } catch {
    return code;
  }
}

export class LanguagePicker {
  /** `onStatus(status)`: 'served' (some pair is served), 'none' (no node can translate) or 'unreachable'. */
  constructor(src, tgt, onStatus) {
    this.src = src;
    this.tgt = tgt;
    this.onStatus = onStatus;
    this.pairs = [];
    this.loadedJson = null;
    this.src.addEventListener('change', () => this.renderTargets());
    this.render();
  }

  /** Reads /api/languages now and then every `periodMs`. */
  watch(periodMs) {
    this.refresh();
    setInterval(() => this.refresh(), periodMs);
  }

  async refresh() {
    try {
      const response = await fetch('api/languages', { cache: 'no-store' });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const json = await response.text();
      if (json !== this.loadedJson) {
        this.loadedJson = json;
        this.pairs = JSON.parse(json).pairs || [];
        this.render();
      }
      this.onStatus(this.pairs.length > 0 ? 'served' : 'none');
    } catch {
      this.onStatus('unreachable');
    }
  }

  isServed(src, tgt) {
    return this.pairs.some((p) => p.src === src && p.tgt === tgt);
  }

  render() {
    const served = unique(this.pairs.map((p) => p.src));
    fill(this.src, served, COMMON.filter((c) => !served.includes(c)), this.src.value || served[0] || 'en');
    this.renderTargets();
  }

  renderTargets() {
    const src = this.src.value;
    const served = unique(this.pairs.filter((p) => p.src === src).map((p) => p.tgt));
    const others = COMMON.filter((c) => c !== src && !served.includes(c));
    const fallback = served[0] || (src === 'es' ? 'en' : 'es');
    fill(this.tgt, served, others, this.tgt.value && this.tgt.value !== src ? this.tgt.value : fallback);
  }

  setEnabled(enabled) {
    this.src.disabled = !enabled;
    this.tgt.disabled = !enabled;
  }
}

function unique(codes) {
  return [...new Set(codes)];
}

/** Fills a select with "available now" and "no node now" groups, keeping `selected` when it is there. */
function fill(select, served, others, selected) {
  const groups = [];
  if (served.length > 0) groups.push(group('Available now', served));
  if (others.length > 0) groups.push(group(served.length > 0 ? 'No node now' : 'No node can translate now', others));
  select.replaceChildren(...groups);
  const all = served.concat(others);
  select.value = all.includes(selected) ? selected : all[0];
}

function group(label, codes) {
  const g = document.createElement('optgroup');
  g.label = label;
  for (const code of codes) {
    const o = document.createElement('option');
    o.value = code;
    o.textContent = languageName(code);
    g.append(o);
  }
  return g;
}
