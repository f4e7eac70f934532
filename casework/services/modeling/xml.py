"""Safe parsing and the id-bearing elements of a BPMN document (DI kept apart)."""
from __future__ import annotations

from lxml import etree

from casework.engine.model.validation import parse_xml

DI_NS = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DI",
         "http://www.omg.org/spec/DD/20100524/DC")


def parse(xml: str | bytes) -> etree._Element:
    """The document's root, parsed without DTDs or entities (one-line error naming `definitions`)."""
    return parse_xml(xml.encode("utf-8") if isinstance(xml, str) else xml)


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def is_di(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).namespace in DI_NS


def semantic_elements(root: etree._Element) -> dict[str, etree._Element]:
    """id -> element for every element with an id outside the diagram interchange part."""
    found = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        if is_di(element) or any(is_di(a) for a in element.iterancestors()):
            continue
        ident = element.get("id")
        if ident:
            found[ident] = element
    return found


def to_text(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")
