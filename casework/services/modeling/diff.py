"""Compare two versions of a model on the server: elements added, removed, changed.

An element's facets are its attributes and those of its descendants without an id of their own
(extension elements, conditions, timer definitions...), flattened to `path@attr` / `path#text`.
"""
from __future__ import annotations

from lxml import etree

from casework.services.modeling.xml import local, parse, semantic_elements


def _facets(element: etree._Element) -> dict[str, str]:
    facets = {f"@{local(k) if '}' in k else k}": v for k, v in element.attrib.items() if k != "id"}

    def walk(node: etree._Element, path: str) -> None:
        counts: dict[str, int] = {}
        for child in node:
            if not isinstance(child.tag, str) or child.get("id"):
                continue
            name = local(child.tag)
            counts[name] = counts.get(name, 0) + 1
            here = f"{path}/{name}" + (f"[{counts[name]}]" if counts[name] > 1 else "")
            for k, v in child.attrib.items():
                facets[f"{here}@{local(k) if '}' in k else k}"] = v
            text = (child.text or "").strip()
            if text:
                facets[f"{here}#text"] = text
            walk(child, here)
    walk(element, "")
    return facets


def diff_xml(old_xml: str | bytes, new_xml: str | bytes) -> dict[str, list[dict]]:
    """{"added": [...], "removed": [...], "changed": [...]}; each entry names id, type, name."""
    old, new = semantic_elements(parse(old_xml)), semantic_elements(parse(new_xml))

    def entry(ident: str, element: etree._Element) -> dict:
        return {"id": ident, "type": local(element.tag), "name": element.get("name") or ""}
    changed = []
    for ident in sorted(old.keys() & new.keys()):
        before, after = _facets(old[ident]), _facets(new[ident])
        if local(old[ident].tag) != local(new[ident].tag):
            before["type"], after["type"] = local(old[ident].tag), local(new[ident].tag)
        changes = [{"facet": f, "old": before.get(f), "new": after.get(f)}
                   for f in sorted(before.keys() | after.keys()) if before.get(f) != after.get(f)]
        if changes:
            changed.append({**entry(ident, new[ident]), "changes": changes})
    return {"added": [entry(i, new[i]) for i in sorted(new.keys() - old.keys())],
            "removed": [entry(i, old[i]) for i in sorted(old.keys() - new.keys())],
            "changed": changed}
