// Speaking detection from the microphone level, decided on this device (DOMAIN.md D1).
// No audio leaves the page and nothing is recorded: every ~20 ms we read one
// loudness number from the live stream and keep only "speaking" / "not speaking"
// (DOMAIN.md E1). UI-free on purpose: the member page uses it, and the
// facilitator's dashboard can use it for the facilitator's own voice (D2).
//
//   const detector = createSpeechDetector({ onChange(on, agoMs), onLevel(level01, threshold01), onStop(reason) });
//   await detector.start();      // asks for the mic; rejects with the browser's error (see micErrorText)
//   detector.stop();             // releases the mic; if speaking, calls onChange(false, 0) first
//   detector.setSensitivity(x);  // 0.5 .. 2.0, default 1; higher = "my mic is quiet" (lower threshold)
//   detector.speaking, detector.running, detector.startedAt (Date.now() when the stream started)

/** Tuning. Levels are dBFS: 0 is full scale, -100 stands for digital silence. */
export const DEFAULTS = Object.freeze({
  startMs: 150, // D1: speaking starts after about 150 ms above the threshold...
  stopMs: 700, // ...and stops after about 700 ms below it (pauses between words are not stops)
  bridgeMs: 60, // a dip shorter than this (a stop consonant) does not restart the 150 ms count
  marginDb: 9, // threshold = noise floor + 9 dB (×2.8 in amplitude)
  releaseDb: 3, // once speaking, the voice may sag this much below the threshold (trailing syllables)
  swingMs: 200, // a voice swings: syllables move its level by several dB within 200 ms...
  swingDb: 3, // ...while hums, fans and an auto-gain slowly turning up a steady sound stay within ~1 dB
  steadyMs: 2000, // a sound that has not swung for this long is not a voice: speaking stops
  quietestDb: -60, // the threshold never goes below this (before sensitivity): hiss and silence never count
  floorWindowMs: 15000, // D1: the noise floor follows the last ~15 s...
  blockMs: 250, // ...kept as the quietest level of each 250 ms block...
  floorPercentile: 0.1, // ...of which the 10th percentile is the floor, so a long talk cannot lift it
  sensitivity: 1, // 0.5 .. 2: divides the threshold (in amplitude)
});

export const SILENCE_DB = -100;
const TICK_MS = 20; // setInterval, not requestAnimationFrame: rAF stops in background tabs and some kiosks
const METER_DB = [-80, -10]; // what the 0..1 level for a meter spans
const MAX_AGO_MS = 2000; // the server accepts back-dating of at most 2 s (DOMAIN.md D4)

/** A fresh state for decide(). */
export function initialState() {
  return {
    speaking: false,
    runStart: null, // when the current run above the threshold began (ms), null when below
    lastAbove: null, // the last tick that was above the threshold (ms)
    blocks: [], // quietest level of each finished block, oldest first, at most floorWindowMs long
    blockStart: null,
    blockMin: Infinity,
    floorDb: null, // null until the first block is done: no speech is detected before that
    recent: [], // [ms, level] of the last swingMs
    lastSwing: null, // the last tick at which the level had swung by swingDb within swingMs
  };
}

/** The threshold (dBFS) for a noise floor: floor × margin ÷ sensitivity, never below quietestDb ÷ sensitivity. */
export function thresholdDb(floorDb, params = DEFAULTS) {
  return Math.max(floorDb + params.marginDb, params.quietestDb) - 20 * Math.log10(params.sensitivity);
}

/**
 * The state machine, pure: one level reading (dBFS) at nowMs (a monotonic clock)
 * -> { state, change, thresholdDb }. `change` is null, or { on, agoMs } where agoMs
 * says how long ago the speech really started (the first tick of the run above the
 * threshold) or stopped (the last tick above it, or the last swing of a sound that
 * went steady), so the server can back-date it (D4).
 */
export function decide(state, level, nowMs, params = DEFAULTS) {
  const s = { ...state };

  // Noise floor: a low percentile of the quietest moments of the last ~15 s. Even
  // in continuous talk there are gaps between words, so the floor stays low.
  if (s.blockStart === null) s.blockStart = nowMs;
  s.blockMin = Math.min(s.blockMin, level);
  if (nowMs - s.blockStart >= params.blockMs) {
    const keep = Math.max(1, Math.round(params.floorWindowMs / params.blockMs));
    s.blocks = [...s.blocks, s.blockMin].slice(-keep);
    s.blockStart = nowMs;
    s.blockMin = Infinity;
    s.floorDb = percentile(s.blocks, params.floorPercentile);
  }
  const threshold = s.floorDb === null ? Infinity : thresholdDb(s.floorDb, params);

  // Runs above the threshold; a dip shorter than bridgeMs does not break one.
  const above = level >= (s.speaking ? threshold - params.releaseDb : threshold);
  if (above && (s.runStart === null || nowMs - s.lastAbove > params.bridgeMs)) s.runStart = nowMs;
  if (above) s.lastAbove = nowMs;

  // Swing: a voice moves its level by several dB within a fifth of a second; a hum, a
  // fan, or an auto-gain slowly turning up a steady sound does not. Before speech is
  // confirmed only the run's own readings count: a jump into a loud steady sound is no voice.
  s.recent = [...s.recent.filter(([t]) => nowMs - t < params.swingMs), [nowMs, level]];
  const since = s.speaking ? -Infinity : s.runStart ?? Infinity;
  const swing = s.recent.filter(([t]) => t >= since).map(([, l]) => l);
  if (swing.length > 1 && Math.max(...swing) - Math.min(...swing) >= params.swingDb) s.lastSwing = nowMs;

  let change = null;
  if (s.speaking) {
    const quietFor = nowMs - s.lastAbove;
    const steadyFor = nowMs - s.lastSwing;
    if (quietFor >= params.stopMs || steadyFor >= params.steadyMs) {
      s.speaking = false;
      s.runStart = null;
      // The voice ended at its last reading above the threshold, or when its level stopped moving.
      change = { on: false, agoMs: clampAgo(Math.max(quietFor, steadyFor)) };
    }
  } else if (above && nowMs - s.runStart >= params.startMs) {
    if (s.lastSwing !== null && s.lastSwing >= s.runStart) {
      s.speaking = true;
      change = { on: true, agoMs: clampAgo(nowMs - s.runStart) };
    } else if (nowMs - s.runStart >= params.swingMs) {
      s.runStart = nowMs; // steady so far: start the run again, so a voice over it is dated from its own onset
    }
  } else if (!above && s.runStart !== null && nowMs - s.lastAbove > params.bridgeMs) {
    s.runStart = null;
  }
  return { state: s, change, thresholdDb: threshold };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(p * (sorted.length - 1))];
}

function clampAgo(ms) {
  return Math.round(Math.min(MAX_AGO_MS, Math.max(0, ms)));
}

/** RMS of a block of samples, in dBFS (SILENCE_DB for digital silence). */
export function rmsDb(samples) {
  let sum = 0;
  for (const x of samples) sum += x * x;
  const rms = Math.sqrt(sum / samples.length);
  return rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
}

/** dBFS -> 0..1 for a level meter (and its threshold marker). */
export function toLevel01(db) {
  const [lo, hi] = METER_DB;
  return Number.isFinite(db) ? Math.min(1, Math.max(0, (db - lo) / (hi - lo))) : db > 0 ? 1 : 0;
}

/** Why this page cannot use the microphone (a sentence to show), or null when it can. */
export function micUnavailableReason() {
  if (globalThis.isSecureContext === false) {
    return 'The microphone needs https or localhost; ask your facilitator for the secure link.';
  }
  if (!globalThis.navigator?.mediaDevices?.getUserMedia || !(globalThis.AudioContext || globalThis.webkitAudioContext)) {
    return 'This browser does not let web pages use the microphone.';
  }
  return null;
}

/** A readable sentence for a start() failure. */
export function micErrorText(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The browser was not allowed to use the microphone. You can allow it in the site settings '
        + '(the icon next to the address), then switch it on again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found on this device.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not start. Another app may be using it.';
    case 'NotSupportedError':
      return err.message;
    default:
      return `The microphone could not start (${err?.message || err}).`;
  }
}

export function createSpeechDetector({ onChange = () => {}, onLevel = () => {}, onStop = () => {} } = {}) {
  let params = { ...DEFAULTS };
  let state = initialState();
  let stream = null;
  let track = null;
  let ctx = null;
  let analyser = null;
  let samples = null;
  let timer = null;
  let running = false;
  let startedAt = null;
  let starting = null; // the pending start(), so two calls share one permission prompt
  let generation = 0; // bumped by stop(): a start() still waiting for permission then gives the mic back
  let warmUntil = null; // a fresh graph reads zeros, then a half-filled window: as noise floor they would make the room "speak"

  function tick() {
    const now = performance.now();
    let level = SILENCE_DB;
    // A suspended or interrupted context hands out stale samples: read that as silence,
    // so a frozen graph can never keep someone "speaking".
    if (ctx.state === 'running' && track.readyState === 'live' && track.enabled) {
      analyser.getFloatTimeDomainData(samples);
      level = rmsDb(samples);
    } else if (ctx.state === 'suspended') {
      ctx.resume().catch(() => {});
    }
    if (warmUntil === null && level > SILENCE_DB) warmUntil = now + 3 * TICK_MS;
    if (warmUntil === null || now < warmUntil) return onLevel(toLevel01(level), 1); // a muted mic stays here: never speaking
    const result = decide(state, level, now, params);
    state = result.state;
    if (result.change) onChange(result.change.on, result.change.agoMs);
    onLevel(toLevel01(level), toLevel01(result.thresholdDb));
  }

  function trackEnded() {
    const ago = state.lastAbove === null ? 0 : clampAgo(performance.now() - state.lastAbove);
    halt(ago);
    onStop('mic-ended');
  }

  function halt(agoMs) {
    generation += 1;
    if (state.speaking) {
      state = { ...state, speaking: false, runStart: null };
      onChange(false, agoMs);
    }
    clearInterval(timer);
    timer = null;
    track?.removeEventListener('ended', trackEnded);
    stream?.getTracks().forEach((t) => t.stop());
    ctx?.close().catch(() => {});
    stream = track = ctx = analyser = samples = null;
    running = false;
    starting = null;
  }

  async function open() {
    const reason = micUnavailableReason();
    if (reason) throw Object.assign(new Error(reason), { name: 'NotSupportedError' });
    const mine = generation;
    const media = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    });
    if (mine !== generation) { // stop() came while the browser was asking
      media.getTracks().forEach((t) => t.stop());
      return;
    }
    stream = media;
    startedAt = Date.now();
    [track] = media.getAudioTracks();
    try {
      const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
      ctx = new Context();
      const source = ctx.createMediaStreamSource(media);
      analyser = ctx.createAnalyser();
      analyser.fftSize = 1024; // ~21 ms at 48 kHz: one tick's worth of sound per reading
      source.connect(analyser);
      // A silent path to the output: some engines (Safari) only run a graph that reaches it.
      const mute = ctx.createGain();
      mute.gain.value = 0;
      analyser.connect(mute).connect(ctx.destination);
      if (ctx.state !== 'running') ctx.resume().catch(() => {});
    } catch (err) {
      halt(0);
      throw err;
    }
    samples = new Float32Array(analyser.fftSize);
    track.addEventListener('ended', trackEnded); // unplugged, permission revoked, taken by the system
    state = initialState();
    warmUntil = null;
    running = true;
    timer = setInterval(tick, TICK_MS);
  }

  return {
    start() {
      if (running) return Promise.resolve();
      starting ??= open().finally(() => { starting = null; });
      return starting;
    },
    stop() {
      halt(0);
    },
    setSensitivity(x) {
      const value = Number(x);
      params = { ...params, sensitivity: Number.isFinite(value) ? Math.min(2, Math.max(0.5, value)) : 1 };
    },
    get sensitivity() { return params.sensitivity; },
    get speaking() { return state.speaking; },
    get running() { return running; },
    get startedAt() { return startedAt; },
  };
}
