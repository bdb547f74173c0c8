// The page: languages, Start / End of utterance / Stop, the microphone into the session, results and their speech.

import { chooseFormat, createChunker, SAMPLE_RATE } from './encoders.js';
import { LanguagePicker, languageName } from './languages.js';
import { Microphone, MicrophoneError } from './microphone.js';
import { SpeechQueue } from './playback.js';
import { ResultsView } from './results.js';
import { ParleySession } from './session.js';
import { FRAME_MS, UtteranceDetector } from './utterances.js';

const LANGUAGES_REFRESH_MS = 10000;
const params = new URLSearchParams(location.search);

const ui = {
  src: document.getElementById('src'),
  tgt: document.getElementById('tgt'),
  languagesNote: document.getElementById('languages-note'),
  start: document.getElementById('start'),
  endUtterance: document.getElementById('end-utterance'),
  stop: document.getElementById('stop'),
  status: document.getElementById('status'),
  level: document.getElementById('level'),
  error: document.getElementById('error'),
  notice: document.getElementById('notice'),
  results: document.getElementById('results'),
  codec: document.getElementById('codec'),
  session: document.getElementById('session'),
};

const STATE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost — reconnecting…',
  closing: 'Finishing — waiting for the last results…',
  closed: 'Not connected',
};

const MISSING_TEXT = {
  job_timeout: 'the translation took too long',
  node_error: 'the translation node failed',
  instance_lost: 'a server stopped before it finished',
  gap_timeout: 'the result never came',
};

const picker = new LanguagePicker(ui.src, ui.tgt, (status) => {
  ui.languagesNote.hidden = status === 'served';
  ui.languagesNote.textContent =
    status === 'unreachable' ? 'Cannot reach the Parley server.' : 'No node can translate now.';
});
picker.watch(LANGUAGES_REFRESH_MS);

const results = new ResultsView(ui.results, describeMissing);
let playback = null; // made on the first Start: browsers let a page play sound after a click
let run = null; // the running session and its microphone
let latest = null; // the last run, running or not, for parleyClient.stats()

ui.start.addEventListener('click', () => start());
ui.stop.addEventListener('click', () => stop());
ui.endUtterance.addEventListener('click', () => run && run.detector.cut());
window.addEventListener('pagehide', () => run && run.session.abort());

async function start() {
  if (run) return;
  clearMessages();
  const srcLang = ui.src.value;
  const tgtLang = ui.tgt.value;
  if (!playback) {
    playback = new SpeechQueue(new AudioContext(), {
      onStart: (item) => report('tts_started', { group_id: item.groupId, ts_start_ms: Date.now() }),
      onEnd: (item) => {
        report('tts_play_ended', { group_id: item.groupId, ts_end_ms: Date.now() });
        ui.results.dataset.ttsPlayed = String(playback.played);
      },
    });
  }
  playback.context.resume();
  setButtons('starting');
  const format = await chooseFormat(params.get('codec'));
  const current = { srcLang, tgtLang, format, capturedFrames: 0 };
  current.session = new ParleySession({
    url: socketUrl(),
    srcLang,
    tgtLang,
    audioFormat: format,
    sampleRate: SAMPLE_RATE,
  });
  current.chunker = createChunker(
    format,
    (bytes, isFinal, ms) => {
      current.session.sendAudio(bytes, isFinal, current.chunkStartMs);
      current.chunkStartMs += ms;
    },
    () => showError('ENCODER', 'The browser’s Opus encoder failed. Reload the page to try again.'),
  );
  current.chunkStartMs = 0;
  current.detector = new UtteranceDetector({
    onBegin: (prerollMs) => {
      // a chunk's timestamp is where its audio began on the microphone's clock
      current.chunkStartMs = current.capturedFrames * FRAME_MS - prerollMs;
      ui.endUtterance.disabled = false;
    },
    onFrame: (frame) => current.chunker.push(frame),
    onEnd: () => {
      current.ending = current.chunker.end();
      ui.endUtterance.disabled = true;
    },
  });
  try {
    current.microphone = await Microphone.open((frame) => {
      current.capturedFrames++;
      const level = current.detector.push(frame);
      ui.level.value = Math.min(1, level * 10);
    });
  } catch (e) {
    current.chunker.close();
    setButtons('idle');
    showMicrophoneError(e);
    return;
  }
  run = current;
  latest = current;
  watchSession(current);
  current.session.start();
  setButtons('running');
}

async function stop() {
  const current = run;
  if (!current || current.stopping) return;
  current.stopping = true;
  setButtons('stopping');
  current.microphone.close();
  ui.level.value = 0;
  current.detector.cut();
  await current.ending; // the utterance's last chunk goes out before the close
  current.chunker.close();
  await current.session.close();
}

function watchSession(current) {
  const session = current.session;
  session.addEventListener('state', (e) => {
    const state = e.detail.state;
    ui.status.dataset.state = state;
    ui.status.textContent = STATE_TEXT[state];
    if (state === 'live') clearError('UNREACHABLE');
    if (state === 'closed') {
      if (run === current) run = null;
      current.microphone.close();
      current.chunker.close();
      setButtons('idle');
    }
  });
  session.addEventListener('unreachable', () => {
    showError('UNREACHABLE', `Cannot reach the Parley server at ${location.host}. Trying again…`);
  });
  session.addEventListener('session', (e) => {
    if (!e.detail.resumed) results.beginSession(e.detail.sessionId, current.srcLang, current.tgtLang);
    ui.codec.textContent = `${session.codec === 'opus' ? 'Opus' : 'PCM16'} · ${session.useBinary ? 'binary' : 'JSON'} frames`;
    ui.codec.dataset.codec = session.codec;
    ui.session.textContent = `session ${e.detail.sessionId}`;
  });
  session.addEventListener('expired', () => {
    showNotice('The connection was down too long, so a new session was started.');
  });
  session.addEventListener('message', (e) => onMessage(current, e.detail.message));
}

function onMessage(current, m) {
  switch (m.type) {
    case 'translation_result':
      if (results.showResult(m)) {
        clearError('NO_AVAILABLE_NODE');
        if (m.tts_audio) playback.enqueue(m.tts_audio, { groupId: m.group_id });
      }
      break;
    case 'missing_result':
      if (results.showMissing(m) && m.reason === 'no_available_node') {
        showError('NO_AVAILABLE_NODE', noNodeText(current));
      }
      break;
    case 'asr_partial':
      results.showPartial(m);
      break;
    case 'ui_event':
      if (m.event === 'NO_AVAILABLE_NODE') showError('NO_AVAILABLE_NODE', noNodeText(current));
      if (m.event === 'JOB_DISPATCHED') clearError('NO_AVAILABLE_NODE');
      break;
    case 'error':
      showServerError(current, m);
      break;
    default:
      break;
  }
}

// --- words for people --------------------------------------------------------------------------------------------

function noNodeText(current) {
  return `No node can translate ${languageName(current.srcLang)} to ${languageName(current.tgtLang)} right now. `
    + 'Your speech waits a few seconds in case one connects.';
}

function describeMissing(reason) {
  if (reason === 'no_available_node') {
    return 'Not translated: no node could translate this language pair.';
  }
  return `Not translated: ${MISSING_TEXT[reason] || 'the result was lost'}.`;
}

function showServerError(current, e) {
  const text = {
    NO_AVAILABLE_NODE: noNodeText(current),
    UNSUPPORTED_LANGUAGE_PAIR: 'Parley does not know this language pair.',
    OVERLOADED: 'The server is at its limit. Try again in a minute.',
    RATE_LIMITED: 'Audio arrived faster than real time, and some of it was dropped.',
    UNAUTHORIZED: 'This server needs an access token: open the page with ?token=… in its address.',
    BAD_AUDIO: 'The server could not use the audio from this browser.',
    INTERNAL: 'The server had an internal error.',
  }[e.code] || `The server refused a message: ${e.message}`;
  showError(e.code, text);
}

function showMicrophoneError(e) {
  const reason = e instanceof MicrophoneError ? e.reason : 'failed';
  const text = {
    denied: 'Parley may not use the microphone. Allow it for this page (the icon in the address bar), '
      + 'then press Start again.',
    missing: 'No microphone was found. Connect one and press Start again.',
    busy: 'The microphone is in use by another program, or cannot be opened.',
    insecure: `The microphone works only on a secure page: open Parley at http://localhost:${location.port || 80}/ `
      + 'or over https.',
    failed: 'The microphone could not be started in this browser.',
  }[reason];
  showError(`MICROPHONE_${reason.toUpperCase()}`, text);
}

function showError(code, text) {
  ui.error.dataset.code = code;
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearError(code) {
  if (ui.error.dataset.code === code) {
    ui.error.hidden = true;
    ui.error.textContent = '';
    delete ui.error.dataset.code;
  }
}

function showNotice(text) {
  ui.notice.textContent = text;
  ui.notice.hidden = false;
}

function clearMessages() {
  clearError(ui.error.dataset.code);
  ui.notice.hidden = true;
}

// --- plumbing ----------------------------------------------------------------------------------------------------

function socketUrl() {
  const url = new URL('ws/session', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  if (params.get('token')) url.searchParams.set('token', params.get('token'));
  return url.href;
}

function report(type, fields) {
  if (run) run.session.report(type, fields);
}

function setButtons(phase) {
  const running = phase === 'running';
  ui.start.disabled = phase !== 'idle';
  ui.stop.disabled = !running;
  ui.endUtterance.disabled = !running || !(run && run.detector.isOpen);
  picker.setEnabled(phase === 'idle');
}

// For the browser console and the browser tests: what the client did, without reaching into its internals.
window.parleyClient = {
  stats() {
    const session = latest && latest.session;
    return {
      state: ui.status.dataset.state,
      sessionId: session ? session.sessionId : null,
      codec: session ? session.codec : null,
      binaryFrames: session ? session.useBinary : null,
      lastUtteranceIndex: session ? session.lastIndex : null,
      utteranceOpenMs: run ? run.detector.openMs : 0,
      capturedMs: latest ? latest.capturedFrames * FRAME_MS : 0,
      shown: results.indexes(),
      ttsPlayed: playback ? playback.played : 0,
      ...(session ? session.stats : {}),
    };
  },
};
