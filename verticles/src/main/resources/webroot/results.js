// The results of the sessions, in utterance order, each shown once: a resume replays results the page may already
// have, so every result is keyed by its session and utterance_index.

export class ResultsView {
  /** `describeMissing(reason)` gives the note shown for a missing_result. */
  constructor(container, describeMissing) {
    this.container = container;
    this.describeMissing = describeMissing;
    this.block = null; // the current session's block
    this.shown = new Map(); // utterance_index -> element, in the current session
  }

  /** A new session (not a resume): its results go into a block of their own, after the earlier ones. */
  beginSession(sessionId, srcLang, tgtLang) {
    this.block = document.createElement('section');
    this.block.className = 'session';
    this.block.dataset.sessionId = sessionId;
    this.block.dataset.src = srcLang;
    this.block.dataset.tgt = tgtLang;
    this.container.append(this.block);
    this.shown = new Map();
  }

  /** Shows a translation_result; false when it was shown already. */
  showResult(r) {
    const existing = this.shown.get(r.utterance_index);
    if (existing && !existing.classList.contains('partial')) return false;
    const el = existing || this.place(r.utterance_index, r.group_id);
    el.classList.remove('partial');
    el.dataset.groupId = r.group_id || '';
    this.line(el, 'text', this.block.dataset.src).textContent = r.text_asr || '';
    this.line(el, 'translation', this.block.dataset.tgt).textContent = r.text_translated || '';
    this.regroup(el);
    return true;
  }

  /** Shows a missing_result as a short note; false when the utterance has an outcome already. */
  showMissing(m) {
    const existing = this.shown.get(m.utterance_index);
    if (existing && !existing.classList.contains('partial')) return false;
    const el = existing || this.place(m.utterance_index, '');
    el.classList.remove('partial');
    el.classList.add('missing');
    el.dataset.groupId = '';
    el.replaceChildren();
    this.line(el, 'note').textContent = this.describeMissing(m.reason);
    this.regroup(el);
    return true;
  }

  /** Recognised text that came before its translation (asr_partial). */
  showPartial(p) {
    const existing = this.shown.get(p.utterance_index);
    if (existing && !existing.classList.contains('partial')) return;
    const el = existing || this.place(p.utterance_index, '');
    el.classList.add('partial');
    this.line(el, 'text', this.block.dataset.src).textContent = p.text || '';
  }

  /** Utterance indexes with an outcome, in the current session. */
  indexes() {
    return [...this.shown.entries()].filter(([, el]) => !el.classList.contains('partial')).map(([i]) => i);
  }

  place(index, groupId) {
    const el = document.createElement('article');
    el.className = 'result';
    el.dataset.utteranceIndex = String(index);
    el.dataset.groupId = groupId || '';
    const after = [...this.block.children].find((c) => Number(c.dataset.utteranceIndex) > index);
    this.block.insertBefore(el, after || null);
    this.shown.set(index, el);
    return el;
  }

  line(el, kind, lang) {
    let p = el.querySelector(`.${kind}`);
    if (!p) {
      p = document.createElement('p');
      p.className = kind;
      if (lang) p.lang = lang;
      el.append(p);
    }
    return p;
  }

  /** A result that starts a group (its group_id differs from the one before) is set apart; parts of a group join. */
  regroup(el) {
    for (const e of [el, el.nextElementSibling]) {
      if (!e) continue;
      const before = e.previousElementSibling;
      const gid = e.dataset.groupId;
      e.classList.toggle('group-start', !gid || !before || before.dataset.groupId !== gid);
    }
  }
}
