// One Parley session over /ws/session (PROTOCOL.md): session_init, audio chunks with increasing seq, results, and on
// an unexpected close a reconnect with backoff that resumes the session with its resume_token.

import { binaryAudioFrame, toBase64 } from './frames.js';

const CLIENT_VERSION = 'parley-web/1';
const HEARTBEAT_MS = 10000;
// the server beats every 10 s: this much silence means the socket is dead even if it looks open
const SILENT_SOCKET_MS = 25000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 8000;
// chunks sent on a socket are kept this long (in chunks of 200 ms) in case that socket dies before the server has them
const KEPT_CHUNKS = 150;
const CLOSE_ACK_TIMEOUT_MS = 90000;

/**
 * Events: 'state' {state: connecting | live | reconnecting | closing | closed}, 'session' {sessionId, resumed} on each
 * ack, 'message' {message} for every frame from the server but acks and heartbeats, 'unreachable' when a connection
 * attempt fails, 'expired' when a resume came too late and a new session starts.
 */
export class ParleySession extends EventTarget {
  constructor({ url, srcLang, tgtLang, audioFormat, sampleRate }) {
    super();
    this.url = url;
    this.init = { src_lang: srcLang, tgt_lang: tgtLang, audio_format: audioFormat, sample_rate: sampleRate };
    this.state = 'closed';
    this.ws = null;
    this.acked = false; // the current socket's session_init was acknowledged
    this.sessionId = null;
    this.resumeToken = null;
    this.useBinary = false;
    this.codec = null;
    this.nextSeq = 0;
    this.outbox = []; // chunks not yet written to the current socket
    this.sent = []; // chunks written to the current socket, until a resume says which the server has
    this.lastIndex = -1; // the highest utterance_index of a result or missing_result received
    this.attempt = 0;
    this.timers = [];
    this.reconnectTimer = null;
    this.lastFrameAt = 0;
    this.closing = null; // {resolve, timer} while a session_close waits for its ack
    this.finished = false;
    this.stats = { chunksSent: 0, finalsSent: 0, duplicates: 0, resumes: 0, reconnects: 0 };
  }

  start() {
    this.setState('connecting');
    this.connect();
    this.timers.push(setInterval(() => this.beat(), HEARTBEAT_MS));
  }

  /** Queues one chunk of the negotiated format; it is sent at once when the session is live, else after (re)connect. */
  sendAudio(bytes, isFinal, timestampMs) {
    if (this.finished) return;
    this.outbox.push({ seq: this.nextSeq++, isFinal, bytes, timestampMs: Math.round(timestampMs) });
    this.flush();
  }

  /** A playback report (tts_started, tts_play_ended); dropped when not live, since it is only informative. */
  report(type, fields) {
    if (this.state === 'live') this.write(JSON.stringify({ type, session_id: this.sessionId, ...fields }));
  }

  /** Ends the session: the server cuts the open utterance and sends every outstanding result before its ack. */
  close() {
    if (this.finished) return Promise.resolve();
    if (this.closing) return this.closing.promise;
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    this.closing = { promise, resolve, timer: setTimeout(() => this.finish(), CLOSE_ACK_TIMEOUT_MS) };
    this.setState('closing');
    if (this.sessionId && this.ws && this.ws.readyState === WebSocket.OPEN && this.acked) {
      this.sendClose();
    } else if (!this.sessionId) {
      this.finish(); // nothing was started on the server
    }
    return promise;
  }

  /** Drops the session at once, as when the page goes away. */
  abort() {
    if (this.sessionId && this.acked) {
      this.write(JSON.stringify({ type: 'session_close', session_id: this.sessionId, reason: 'abort' }));
    }
    this.finish();
  }

  // --- connection ------------------------------------------------------------------------------------------------

  connect() {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.acked = false;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.lastFrameAt = Date.now();
      this.sendInit();
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastFrameAt = Date.now();
      if (typeof event.data === 'string') this.onText(event.data);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      if (!opened) this.dispatchEvent(new CustomEvent('unreachable'));
      this.dropSocket();
    };
  }

  /** Leaves the current socket (closed, or dead without knowing it) and connects again after a backoff. */
  dropSocket() {
    const ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    this.ws = null;
    this.acked = false;
    ws.close(); // a dead socket may take long to report its close; nothing waits for it
    if (!this.finished) this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.closing && !this.sessionId) {
      this.finish();
      return;
    }
    if (this.state !== 'closing') this.setState(this.sessionId ? 'reconnecting' : 'connecting');
    // chunks written to the dead socket may be lost: they go out again, before the rest, unless the ack says otherwise
    this.outbox = this.sent.concat(this.outbox);
    this.sent = [];
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt++;
    this.stats.reconnects++;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (!this.finished) this.connect();
    }, delay);
  }

  sendInit() {
    const init = {
      type: 'session_init',
      ...this.init,
      binary_frames: true,
      protocol_version: '1',
      client_version: CLIENT_VERSION,
      platform: 'web',
    };
    if (this.resumeToken) {
      init.resume_token = this.resumeToken;
      init.last_utterance_index = this.lastIndex;
    }
    this.write(JSON.stringify(init));
  }

  onText(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    switch (message.type) {
      case 'session_init_ack':
        this.onAck(message);
        return;
      case 'server_heartbeat':
        return;
      case 'session_close_ack':
        this.finish();
        return;
      case 'translation_result':
      case 'missing_result':
        this.lastIndex = Math.max(this.lastIndex, message.utterance_index);
        break;
      case 'error':
        if (this.onError(message)) return;
        break;
      default:
        break;
    }
    this.dispatchEvent(new CustomEvent('message', { detail: { message } }));
  }

  onAck(ack) {
    const resumed = this.resumeToken !== null && ack.session_id === this.sessionId;
    this.sessionId = ack.session_id;
    this.resumeToken = ack.resume_token;
    this.useBinary = ack.use_binary_frame === true;
    this.codec = ack.negotiated_codec;
    this.acked = true;
    this.attempt = 0;
    if (resumed) {
      this.stats.resumes++;
      // the server has every chunk up to last_seq; anything after it is sent again, nothing before it
      const lastSeq = typeof ack.last_seq === 'number' ? ack.last_seq : -1;
      this.outbox = this.outbox.filter((c) => c.seq > lastSeq);
    }
    this.setState(this.closing ? 'closing' : 'live');
    this.dispatchEvent(new CustomEvent('session', { detail: { sessionId: this.sessionId, resumed } }));
    this.flush();
    if (this.closing) this.sendClose();
  }

  /** Handles the errors that are the session's own business; true when the page need not see it. */
  onError(error) {
    if (error.code === 'DUPLICATE') {
      this.stats.duplicates++;
      return true;
    }
    if (error.code === 'RESUME_EXPIRED' && this.resumeToken) {
      // the session is gone: its unsent audio belongs to it, so a new session starts clean on this socket
      this.resumeToken = null;
      this.sessionId = null;
      this.lastIndex = -1;
      this.nextSeq = 0;
      this.outbox = [];
      this.sent = [];
      this.dispatchEvent(new CustomEvent('expired'));
      if (this.closing) {
        this.finish();
      } else {
        this.sendInit();
      }
      return true;
    }
    return false;
  }

  // --- sending ---------------------------------------------------------------------------------------------------

  flush() {
    if (!this.acked || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    while (this.outbox.length > 0) {
      const chunk = this.outbox.shift();
      this.write(this.encodeChunk(chunk));
      this.sent.push(chunk);
      if (this.sent.length > KEPT_CHUNKS) this.sent.shift();
      this.stats.chunksSent++;
      if (chunk.isFinal) this.stats.finalsSent++;
    }
  }

  encodeChunk(chunk) {
    if (this.useBinary) {
      return binaryAudioFrame(this.sessionId, chunk.seq, chunk.timestampMs, chunk.isFinal, chunk.bytes);
    }
    return JSON.stringify({
      type: 'audio_chunk',
      session_id: this.sessionId,
      seq: chunk.seq,
      is_final: chunk.isFinal,
      payload: toBase64(chunk.bytes),
      client_timestamp_ms: chunk.timestampMs,
    });
  }

  sendClose() {
    this.write(JSON.stringify({ type: 'session_close', session_id: this.sessionId, reason: 'done' }));
  }

  beat() {
    if (!this.ws || !this.acked) return;
    if (Date.now() - this.lastFrameAt > SILENT_SOCKET_MS) {
      this.dropSocket();
      return;
    }
    this.write(JSON.stringify({ type: 'client_heartbeat', session_id: this.sessionId, timestamp: Date.now() }));
  }

  write(data) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  finish() {
    if (this.finished) return;
    this.finished = true;
    this.setState('closed');
    this.timers.forEach((t) => clearInterval(t));
    clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close();
    }
    if (this.closing) {
      clearTimeout(this.closing.timer);
      this.closing.resolve();
    }
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state } }));
  }
}
