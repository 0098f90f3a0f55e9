"""Streams the records of a market file one at a time, whatever its size."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import ijson
from ijson.common import ObjectBuilder


@dataclass
class Header:
    format: Any = None
    top_keys: list[str] = field(default_factory=list)
    non_list_sections: list[str] = field(default_factory=list)


def records(fh: BinaryIO, header: Header | None = None) -> Iterator[tuple[str, int, Any]]:
    """Yield (section, index, record) for every item of every top-level array, in file order."""
    builder: ObjectBuilder | None = None
    section, index, item_prefix = "", -1, None
    for prefix, event, value in ijson.parse(fh, use_float=False):
        if builder is not None:
            builder.event(event, value)
            if prefix == item_prefix and event in ("end_map", "end_array"):
                yield section, index, builder.value
                builder = None
            continue
        if prefix == "" and event == "map_key":
            if header is not None:
                header.top_keys.append(value)
            section, index, item_prefix = value, -1, f"{value}.item"
        elif prefix == "format" and header is not None:
            header.format = value
        elif section and prefix == section and section != "format" and event not in ("start_array", "end_array"):
            if header is not None and event != "end_map":
                header.non_list_sections.append(section)
        elif prefix == item_prefix:
            index += 1
            if event in ("start_map", "start_array"):
                builder = ObjectBuilder()
                builder.event(event, value)
            else:
                yield section, index, value
