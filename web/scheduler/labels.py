"""The scheduler page's words in the page's language: night-run states, the counts and results
a run reports (keys without a label are shown as they are), and a failed run's error line."""
from __future__ import annotations

import re

from web import i18n
from web.i18n import gettext as _

ERROR_TYPE = re.compile(r"^([A-Za-z_][\w.]*: )(.*)$", re.S)  # "OSError: 中文 / English"


def states() -> dict[str, str]:
    return {"running": _("Running"), "done": _("Done"), "failed": _("Failed"),
            "stalled": _("Stalled (no worker on it)")}


def counts() -> dict[str, str]:
    """What each job's batches count (`casework.services.night`, `recorder.health.night`)."""
    return {
        "instances": _("instances"), "timers_fired": _("timers fired"),
        "deadline_violations": _("deadline violations"),
        "examined": _("segments examined"), "deleted": _("segments deleted"), "held": _("segments held"),
        "refused": _("deletions refused"), "resumed": _("interrupted deletions finished"),
        "bytes_freed": _("bytes freed"),
        "cameras": _("cameras"), "findings": _("quality findings"), "camera_hours": _("camera hours"),
        "violations_opened": _("violations opened"), "continuing": _("violations continuing"),
        "unsanctioned": _("acts without a sanction"),
        "units": _("units drawn"), "inspections_opened": _("inspections opened"),
        "already_open": _("inspections already open"),
        "documents_checked": _("documents checked"), "intact": _("documents intact"),
        "broken": _("broken"), "unserved": _("documents not yet served"),
        "segments_checked": _("segments checked"),
        "provisional": _("provisional deadlines"), "from_year": _("provisional from year"),
        "audit_checked": _("audit events checked"), "audit_ok": _("audit chain intact (1 = yes)"),
        "audit_first_broken": _("first broken audit event"), "audit_reason": _("audit chain problem"),
        "submission_keys_purged": _("one-time form keys purged"), "api_tokens_purged": _("API tokens purged"),
        "activation_codes_purged": _("activation codes purged"),
        "sign_in_attempts_purged": _("failed sign-ins purged"),
    }


def error_line(error: str, lang: str) -> str:
    """A failed run's "Type: 中文 / English" in `lang`, its exception type kept."""
    found = ERROR_TYPE.match(error)
    if found is None:
        return i18n.one_language(error, lang)
    return found.group(1) + i18n.one_language(found.group(2), lang)
