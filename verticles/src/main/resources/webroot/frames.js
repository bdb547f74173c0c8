// Wire encodings of PROTOCOL.md: binary audio frames, length-prefixed Opus packets, base64.

const AUDIO_FRAME = 0x01;
const FINAL_FRAME = 0x02;
const AUDIO_HEADER_BYTES = 12;
const FINAL_HEADER_BYTES = 10;
const textEncoder = new TextEncoder();

/** A binary session frame: u8 type, u8 session_id_len, u32 seq, u32 timestamp_ms, [u8 is_final, u8 reserved], id, audio. */
export function binaryAudioFrame(sessionId, seq, timestampMs, isFinal, audio) {
  const id = textEncoder.encode(sessionId);
  const empty = audio.length === 0;
  // an empty final is the short "final" frame; it carries no audio by definition
  const header = empty && isFinal ? FINAL_HEADER_BYTES : AUDIO_HEADER_BYTES;
  const frame = new Uint8Array(header + id.length + audio.length);
  const view = new DataView(frame.buffer);
  view.setUint8(0, header === FINAL_HEADER_BYTES ? FINAL_FRAME : AUDIO_FRAME);
  view.setUint8(1, id.length);
  view.setUint32(2, seq >>> 0, true);
  view.setUint32(6, timestampMs >>> 0, true);
  if (header === AUDIO_HEADER_BYTES) {
    view.setUint8(10, isFinal ? 1 : 0);
    view.setUint8(11, 0);
  }
  frame.set(id, header);
  frame.set(audio, header + id.length);
  return frame;
}

/** Opus packets as one byte string: each preceded by its length, u16 little-endian. */
export function lengthPrefixed(packets) {
  let total = 0;
  for (const p of packets) total += 2 + p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of packets) {
    out[at] = p.length & 0xff;
    out[at + 1] = p.length >>> 8;
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

export function toBase64(bytes) {
  let binary = '';
  const step = 0x8000; // String.fromCharCode takes a bounded number of arguments
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
