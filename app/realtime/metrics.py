"""Prometheus metrics (RELIABILITY.md, issue on scale-out): sockets, events in and out,
fan-out latency, queue overflows and broker reconnects. Counts only: no names, no ids."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()

SOCKETS = Gauge("airtime_sockets", "Open session sockets on this worker", registry=REGISTRY)
ROOMS = Gauge("airtime_rooms", "Sessions this worker holds a replica of", registry=REGISTRY)
EVENTS_IN = Counter("airtime_events_in", "Events this worker accepted and stored", registry=REGISTRY)
FRAMES_OUT = Counter("airtime_frames_out", "Frames this worker queued to its sockets", registry=REGISTRY)
FANOUT_SECONDS = Histogram(
    "airtime_fanout_seconds", "From an event reaching this worker's room to its frames queued for every socket",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0), registry=REGISTRY,
)  # fmt: skip
OVERFLOWS = Counter("airtime_queue_overflows", "Sockets dropped because their queue was full", registry=REGISTRY)
RESUMES = Counter("airtime_resumes", "Reconnecting sockets that asked to resume: given what they missed "
                  "(resumed) or a snapshot", ["outcome"], registry=REGISTRY)  # fmt: skip
BROKER_RECONNECTS = Counter("airtime_broker_reconnects", "Times the broker's Redis had to be retried",
                            registry=REGISTRY)  # fmt: skip


def exposition() -> bytes:
    """The text format Prometheus scrapes."""
    return generate_latest(REGISTRY)
