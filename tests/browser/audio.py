"""A WAV file of silence, voice-like sound, then silence, for Chromium's fake microphone."""

from __future__ import annotations

import math
import random
import struct
import wave
from pathlib import Path

RATE = 48_000


def speech_wav(path: Path, before_s: float, speech_s: float, after_s: float, seed: int = 1) -> Path:
    """Quiet room noise, then a voiced signal (140 Hz and harmonics at a syllable rhythm).

    The file ends in a second of exact zeros: with `%noloop` Chromium keeps repeating the
    last few milliseconds, and those must not sound like anything.
    """
    rng = random.Random(seed)
    frames = bytearray()
    total = int((before_s + speech_s + after_s) * RATE)
    start, end = int(before_s * RATE), int((before_s + speech_s) * RATE)
    for i in range(total):
        sample = rng.gauss(0, 0.002)  # a quiet room
        if start <= i < end:
            t = i / RATE
            syllables = 0.7 + 0.3 * math.sin(2 * math.pi * 4 * t)  # never drops out
            voice = sum(math.sin(2 * math.pi * 140 * k * t) / k for k in (1, 2, 3, 4))
            sample += 0.25 * syllables * voice
        frames += struct.pack("<h", max(-32767, min(32767, int(sample * 32767))))
    frames += bytes(2 * RATE)  # one second of digital silence
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path
