"""Health findings that open violations where the rulebook sanctions them.

`judge_day` decides from one camera-day's figures (pure); `open_for_camera` opens the
violations, each act once: a finding continuing an open violation of the same code for
the same system opens nothing new.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from casework.errors import CaseworkError
from casework.models import Camera, Violation
from casework.services import rules
from casework.services.cases.violations import open_violation
from recorder.constants import BLACK, COVERED, OBSTRUCTED
from recorder.retention.policy import rule_for

# No text fixes how long a gap or an obstruction must last to be an act; these are
# Casework's thresholds (a day's total), kept high so that a restart is never a case.
INTERRUPTION_MIN_S = 3600.0  # 中断: an hour without footage in a day
OBSTRUCTED_MIN_S = 1800.0  # 遮挡: half an hour covered, obstructed or black in a day
OBSTRUCTING_KINDS = (OBSTRUCTED, COVERED, BLACK)


@dataclass(frozen=True)
class Act:
    code: str
    facts: str


def judge_day(camera_name: str, day: date, gap_s: float, kinds: dict[str, float],
              camera_days: int | None, min_days: int | None) -> list[Act]:
    """The acts one camera-day shows (before asking the rulebook whether they are sanctioned)."""
    acts = []
    if gap_s >= INTERRUPTION_MIN_S:
        acts.append(Act("interruption", f"摄像机“{camera_name}”于 {day.isoformat()} 累计中断录像 "
                                        f"{gap_s / 60:.0f} 分钟（录像目录缺口）。"))
    blocked = sum(kinds.get(k, 0.0) for k in OBSTRUCTING_KINDS)
    if blocked >= OBSTRUCTED_MIN_S:
        acts.append(Act("obstructed", f"摄像机“{camera_name}”于 {day.isoformat()} 画面被遮挡或黑屏累计 "
                                      f"{blocked / 60:.0f} 分钟（关键帧质量检查）。"))
    if camera_days is not None and min_days is not None and camera_days < min_days:
        acts.append(Act("short_retention", f"摄像机“{camera_name}”设定的录像保存期为 {camera_days} 日，"
                                           f"少于规定的 {min_days} 日。"))
    return acts


def _sanctioned(code: str, violation_code: str, on: date) -> bool:
    try:
        return rules.has_violation(code, violation_code, on)
    except CaseworkError:  # no rulebook for this jurisdiction (or expired): nothing to cite
        return False


def open_for_camera(session, camera_id: int, day: date, gap_s: float, kinds: dict[str, float],
                    actor: str, resources: dict) -> dict:
    """Open the sanctioned violations of one camera-day; counts opened, continuing, unsanctioned."""
    camera = session.get(Camera, camera_id)
    system = camera.system
    unit = system.unit
    code = unit.jurisdiction.code
    rule = rule_for(code, day)
    acts = judge_day(camera.name, day, gap_s, kinds, camera.retention_days,
                     rule.min_days if rule is not None else None)
    counts = {"violations_opened": 0, "continuing": 0, "unsanctioned": 0}
    for act in acts:
        if not _sanctioned(code, act.code, day):
            counts["unsanctioned"] += 1
            continue
        key = (f"recorder:camera:{camera_id}:short_retention:{camera.retention_days}"
               if act.code == "short_retention" else f"recorder:camera:{camera_id}:{act.code}:{day.isoformat()}")
        existing = session.scalars(select(Violation.id).where(
            Violation.unit_id == unit.id, Violation.code == act.code,
            ((Violation.system_id == system.id) & (Violation.status == "open") & (Violation.origin == "recorder"))
            | (Violation.act_key == key)).limit(1)).first()
        if existing is not None:
            counts["continuing"] += 1
            continue
        open_violation(session, unit=unit, system=system, code=act.code, facts=act.facts,
                       origin="recorder", act_key=key, actor=actor, resources=resources, found_on=day)
        counts["violations_opened"] += 1
    return counts
