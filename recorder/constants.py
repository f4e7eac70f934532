"""Recorder defaults and names shared by every job."""
from __future__ import annotations

SEGMENT_SECONDS = 60.0  # DESIGN §7: 60-s segments keep the catalogue at 4.3 bn rows city-wide
SEGMENT_EXT = ".ts"
FOOTAGE_DIRNAME = "footage"
QUARANTINE_DIRNAME = "_quarantine"

# Segment states. A row is inserted as WRITING, sealed once (SEALED or TRUNCATED),
# marked DELETING by the sweep just before its file is unlinked, and ends as a
# DELETED tombstone that keeps its hashes so the chain still verifies.
WRITING = "writing"
SEALED = "sealed"
TRUNCATED = "truncated"
DELETING = "deleting"
DELETED = "deleted"
LIVE_STATES = (SEALED, TRUNCATED)

GENESIS = "0" * 64

# National baseline when no rulebook answers: 《公共安全视频图像信息系统管理条例》第十七条.
NATIONAL_MIN_DAYS = 30
NATIONAL_SOURCE = "公共安全视频图像信息系统管理条例（2025）第十七条"

RECONNECT_MIN_S = 0.5
RECONNECT_MAX_S = 30.0
OPEN_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 10.0
MAX_CLOCK_DRIFT_S = 2.0  # live streams re-anchor PTS to the wall clock past this
MIN_FREE_BYTES = 256 * 1024 * 1024  # below this a camera stops recording (never deletes)
GAP_TOLERANCE_S = 1.5  # catalogue holes longer than this are interruptions

SWEEP_BATCH = 500
HOLD_RELEASE_ROLES = ("bureau_head", "legal_reviewer")

# Finding kinds.
GAP = "gap"
BLACK = "black"
COVERED = "covered"
OBSTRUCTED = "obstructed"
FROZEN = "frozen"
DEFOCUS = "defocus"
MOVED = "moved"
